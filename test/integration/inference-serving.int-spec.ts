// The inference service as it runs: real NATS, real ONNX Runtime in worker threads, the bundled
// demo model and its tokenizer.json. Predictions are checked against a direct ONNX Runtime run of
// the same token ids in this process, one text at a time (no batching, no padding).
import { type INestApplication } from '@nestjs/common';
import {
  ErrorCode,
  ModelAliasChanged,
  modelStatusContract,
  predictContract,
  type PredictReply,
} from '@sentimentops/contracts';
import { loadConfig } from '@sentimentops/config';
import { EventPublisher, NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { bootstrap } from '@sentimentops/service-kit';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InferenceConfig } from '../../apps/inference/src/inference.config.js';
import { InferenceModule } from '../../apps/inference/src/inference.module.js';
import { ReviewTokenizer } from '../../apps/inference/src/tokenizer/review-tokenizer.js';
import { freePort } from '../support/ports.js';
import { eventually } from '../support/test-app.js';

const MODEL_DIR = join(process.cwd(), 'models', 'sentiment-demo');
const card = JSON.parse(readFileSync(join(MODEL_DIR, 'model-card.json'), 'utf8')) as {
  max_length: number;
  labels: string[];
};

const TEXTS = [
  'An absolute delight from start to finish; I would watch it again tomorrow.',
  'Dull, overlong and badly acted. I want my two hours back.',
  'Not bad at all.',
  'The food was cold and the waiter ignored us, but the dessert almost made up for it.',
  'Battery died after two days. Returned it.',
  'ok',
  'The first half drags, yet the ending is so moving that it stays with you for days.',
  'Great <br />cast &amp; a clever script.',
  'terrible '.repeat(300),
];

/**
 * Probabilities per text from a plain ONNX Runtime session, one unpadded text per run. In a child
 * process: onnxruntime-node's typed-array checks fail inside Jest's sandboxed realm.
 */
const DIRECT_ORT_SCRIPT = `
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const { model, rows } = JSON.parse(readFileSync(0, 'utf8'));
const session = await ort.InferenceSession.create(model);
const out = [];
for (const ids of rows) {
  const dims = [1, ids.length];
  const r = await session.run({
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), dims),
  });
  const logits = Array.from(r.logits.data);
  const max = Math.max(...logits);
  const exp = logits.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  out.push(exp.map((v) => v / sum));
}
process.stdout.write(JSON.stringify(out));
`;

async function directOrt(texts: string[]): Promise<number[][]> {
  const tokenizer = ReviewTokenizer.fromFile(join(MODEL_DIR, 'tokenizer.json'), card.max_length);
  const rows = (await tokenizer.encode(texts)).map((e) => e.ids);
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', DIRECT_ORT_SCRIPT], {
    input: JSON.stringify({ model: join(MODEL_DIR, 'model.onnx'), rows }),
    cwd: process.cwd(),
  });
  return JSON.parse(stdout.toString('utf8')) as number[][];
}

async function startInference(env: Record<string, string> = {}) {
  const port = await freePort();
  const config = loadConfig(InferenceConfig, {
    NATS_URL: process.env.TEST_NATS_URL,
    INFERENCE_HTTP_PORT: String(port),
    INFERENCE_MODEL_DIR: MODEL_DIR,
    INFERENCE_INTRA_OP_THREADS: '1',
    // No registry here: serve the directory without asking.
    INFERENCE_REGISTRY_WAIT_S: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    SHUTDOWN_TIMEOUT_MS: '5000',
    INSTANCE_ID: `it-inference-${port}`,
    ...env,
  });
  const app = await bootstrap(InferenceModule.forRoot(config), config);
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 60_000);
  return { app, url };
}

describe('inference service (NATS + ONNX Runtime + the demo model)', () => {
  let app: INestApplication;
  let url: string;
  let requester: NatsRequester;
  const predict = (texts: string[], track: 'champion' | 'challenger' = 'champion') =>
    requester.request(predictContract(track), { texts });

  beforeAll(async () => {
    ({ app, url } = await startInference({ INFERENCE_MAX_QUEUE: '64' }));
    requester = app.get(NatsRequester);
  });
  afterAll(() => app?.close());

  it('answers with the probabilities a direct ONNX Runtime run gives for the same text', async () => {
    const [batched, expected] = await Promise.all([predict(TEXTS), directOrt(TEXTS)]);
    expect(batched.model).toEqual({ name: 'sentiment', version: '1' });
    batched.predictions.forEach((p, i) => {
      expect(p.probabilities.negative).toBeCloseTo(expected[i][0], 5);
      expect(p.probabilities.positive).toBeCloseTo(expected[i][1], 5);
      expect(p.label).toBe(expected[i][1] >= expected[i][0] ? 'positive' : 'negative');
      expect(p.score).toBe(Math.max(p.probabilities.negative, p.probabilities.positive));
    });
    expect(batched.predictions.map((p) => p.truncated)).toEqual(TEXTS.map((_, i) => i === 8));
    expect(new Set(batched.predictions.map((p) => p.id)).size).toBe(TEXTS.length);
  });

  it('gives the same answers when the texts arrive as concurrent single requests', async () => {
    const expected = await directOrt(TEXTS);
    const replies = await Promise.all(TEXTS.map((t) => predict([t])));
    replies.forEach((r, i) =>
      expect(r.predictions[0].probabilities.positive).toBeCloseTo(expected[i][1], 5),
    );
  });

  it('serves both tracks from one process, and reports the model per track', async () => {
    const reply = await predict(['Wonderful.'], 'challenger');
    expect(reply.predictions).toHaveLength(1);
    const status = await requester.request(modelStatusContract('challenger'), {});
    expect(status).toMatchObject({
      model: { name: 'sentiment', version: '1' },
      ready: true,
      maxLength: card.max_length,
      labels: card.labels,
    });
  });

  it.each([
    ['no texts', { texts: [] }],
    ['a text that is not a string', { texts: [42] }],
    ['a text over the size bound', { texts: ['x'.repeat(20_001)] }],
    ['an unknown field', { texts: ['fine'], debug: true }],
  ])('refuses %s with INVALID_ARGUMENT', async (_name, payload) => {
    const error = await requester
      .request(predictContract('champion'), payload as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallError);
    expect((error as RemoteCallError).code).toBe(ErrorCode.InvalidArgument);
  });

  it('refuses a request that would overflow the queue with RESOURCE_EXHAUSTED', async () => {
    const texts = Array.from({ length: 65 }, (_, i) => `text number ${i}`);
    const error = await predict(texts).catch((e: unknown) => e);
    expect((error as RemoteCallError).code).toBe(ErrorCode.ResourceExhausted);
  });

  it('exposes batching, timing, score and model metrics', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const series of [
      'sentimentops_inference_batch_size_bucket',
      'sentimentops_inference_queue_depth',
      'sentimentops_inference_tokenize_seconds_bucket',
      'sentimentops_inference_model_seconds_bucket',
    ]) {
      expect(metrics).toContain(series);
    }
    expect(metrics).toMatch(/sentimentops_prediction_score_bucket\{[^}]*label="positive"/);
    expect(metrics).toMatch(/sentimentops_model_info\{[^}]*track="champion"[^}]*version="1"/);
    // Padding overhead: every batch's padded positions include its real ones.
    const tokens = (kind: string) =>
      Number(
        new RegExp(
          `sentimentops_inference_batch_tokens_total\\{[^}]*kind="${kind}"[^}]*\\} (\\d+)`,
        ).exec(metrics)?.[1],
      );
    expect(tokens('real')).toBeGreaterThan(0);
    expect(tokens('padded')).toBeGreaterThanOrEqual(tokens('real'));
  });

  describe('model swaps on model.alias-changed.v1', () => {
    let dir: string;
    const publish = (alias: 'champion' | 'challenger', version: string, artifactDir: string) =>
      app.get(EventPublisher).publish(
        ModelAliasChanged,
        {
          modelName: 'sentiment',
          alias,
          version,
          artifactUri: pathToFileURL(artifactDir).href,
          actor: 'it-test',
          occurredAt: new Date().toISOString(),
        },
        { messageId: randomUUID() },
      );

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'it-models-'));
      cpSync(MODEL_DIR, join(dir, 'v2'), { recursive: true });
      cpSync(MODEL_DIR, join(dir, 'tampered'), { recursive: true });
      writeFileSync(join(dir, 'tampered', 'tokenizer.json'), '{"tampered": true}');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('moves the champion to the new version with zero failed requests', async () => {
      let stop = false;
      const outcomes: (PredictReply | Error)[] = [];
      const load = (async () => {
        while (!stop) {
          outcomes.push(await predict(TEXTS.slice(0, 3)).catch((e: Error) => e));
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      await publish('champion', '2', join(dir, 'v2'));
      await eventually(async () => (await predict(['check'])).model.version === '2', 30_000);
      await new Promise((r) => setTimeout(r, 300));
      stop = true;
      await load;

      const failures = outcomes.filter((o) => o instanceof Error);
      expect(failures).toEqual([]);
      const versions = outcomes.map((o) => (o as PredictReply).model.version);
      expect(versions).toContain('1');
      expect(versions.at(-1)).toBe('2');
      // Once v2 answered, v1 never answered again: the switch is one step.
      expect(versions.slice(versions.indexOf('2'))).not.toContain('1');
      // The other track did not move.
      expect((await predict(['x'], 'challenger')).model.version).toBe('1');
    });

    it('refuses an artifact whose sha256 does not match its card, and keeps serving', async () => {
      await publish('champion', '3', join(dir, 'tampered'));
      await eventually(async () => {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        return /sentimentops_model_loads_total\{[^}]*outcome="refused"[^}]*\} 1/.test(metrics);
      }, 30_000);
      expect((await predict(['still fine'])).model.version).toBe('2');
    });
  });
});

describe('inference with a model it must refuse', () => {
  it('stays live but not ready, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'it-bad-model-'));
    cpSync(MODEL_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), 'not the model');
    const port = await freePort();
    const config = loadConfig(InferenceConfig, {
      NATS_URL: process.env.TEST_NATS_URL,
      INFERENCE_HTTP_PORT: String(port),
      INFERENCE_MODEL_DIR: dir,
      LOG_LEVEL: 'fatal',
      INFERENCE_REGISTRY_WAIT_S: '0',
      INFERENCE_TRACKS: 'challenger',
    });
    const app = await bootstrap(InferenceModule.forRoot(config), config);
    try {
      const url = `http://127.0.0.1:${port}`;
      await eventually(async () => {
        const body = (await (await fetch(`${url}/health/ready`)).json()) as {
          details?: { model?: { reason?: string } };
        };
        return /model\.onnx: sha256/.test(body.details?.model?.reason ?? '');
      }, 20_000);
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
