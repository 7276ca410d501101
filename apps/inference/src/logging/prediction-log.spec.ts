import { type EventPublisher } from '@sentimentops/messaging';
import { loadConfig } from '@sentimentops/config';
import { Counter, Registry } from 'prom-client';
import { InferenceConfig } from '../inference.config.js';
import { type LoadedModel } from '../serving/loaded-model.js';
import { PredictionLog } from './prediction-log.js';

const model = {
  ref: { name: 'sentiment', version: '3' },
  profile: (texts: readonly string[]) =>
    Promise.resolve(texts.map((t) => ({ tokenLength: t.length, unknownTokenRate: 0.25 }))),
} as unknown as LoadedModel;

function batch(n: number) {
  const texts = Array.from({ length: n }, (_, i) => `text ${i}`);
  const predictions = texts.map((_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    label: 'positive' as const,
    score: 0.9,
    probabilities: { negative: 0.1, positive: 0.9 },
    truncated: false,
  }));
  return { track: 'champion' as const, model, texts, predictions, latencyMs: 4 };
}

function setup(env: Record<string, string>, publish: EventPublisher['publish']) {
  const config = loadConfig(InferenceConfig, env);
  const registry = new Registry();
  const counter = new Counter({
    name: 'logged',
    help: 'test',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const log = new PredictionLog(config, { publish } as EventPublisher, counter);
  return { log, registry };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('PredictionLog', () => {
  it('publishes every prediction at rate 1, with its features and without the text', async () => {
    const sent: unknown[] = [];
    const { log } = setup({}, (_c, payload, options) => {
      sent.push({ payload, options });
      return Promise.resolve({} as never);
    });
    log.record(batch(3));
    await settle();
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({
      payload: {
        modelVersion: '3',
        track: 'champion',
        score: 0.9,
        tokenCount: 6,
        unknownTokenRate: 0.25,
        latencyMs: 4,
      },
      options: { messageId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(sent[0]).not.toHaveProperty('payload.text');
  });

  it('carries the text only with data capture on, and samples at the configured rate', async () => {
    const sent: { text?: string }[] = [];
    const { log } = setup(
      { INFERENCE_CAPTURE_TEXT: 'true', INFERENCE_LOG_SAMPLE_RATE: '0.5' },
      (_c, payload) => {
        sent.push(payload);
        return Promise.resolve({} as never);
      },
    );
    log.record(batch(2000));
    await settle();
    expect(sent.length).toBeGreaterThan(850);
    expect(sent.length).toBeLessThan(1150);
    expect(sent[0].text).toMatch(/^text \d+$/);
  });

  it('drops and counts what does not fit while NATS is slow; nothing blocks the caller', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { log, registry } = setup({ INFERENCE_LOG_MAX_PENDING: '100' }, () =>
      held.then(() => ({}) as never),
    );
    log.record(batch(500));
    await settle();
    release();
    await log.onApplicationShutdown();
    const text = await registry.metrics();
    // 32 in flight + 100 queued were published; the rest were dropped.
    expect(text).toContain('logged{outcome="published"} 132');
    expect(text).toContain('logged{outcome="dropped"} 368');
  });
});
