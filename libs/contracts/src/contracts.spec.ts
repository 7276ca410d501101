import { randomUUID } from 'node:crypto';
import {
  APP_NAMES,
  ContractViolationError,
  DriftDetected,
  driftContracts,
  EventSubject,
  FeedbackReceived,
  ModelAliasChanged,
  PredictionLogged,
  pipelineContracts,
  PipelineStateChanged,
  predictContract,
  registryContracts,
  RequestSubject,
  STREAMS,
  streamFor,
  validateMessage,
} from './index.js';

const now = new Date().toISOString();

describe('subjects', () => {
  it('carries a version in every event subject and maps each to exactly one stream', () => {
    for (const subject of Object.values(EventSubject)) {
      expect(subject).toMatch(/^[a-z-]+\.[a-z-]+\.v\d+$/);
      const carriers = STREAMS.filter((s) =>
        s.subjects.some((p) => subject.startsWith(p.replace('>', ''))),
      );
      expect(carriers.map((s) => s.name)).toEqual([streamFor(subject).name]);
    }
  });

  it('keeps request/reply subjects out of every stream (they must not be persisted)', () => {
    const requests = [
      ...APP_NAMES.map((a) => RequestSubject.platformInfo(a)),
      RequestSubject.inferencePredict('champion'),
      RequestSubject.inferencePredict('challenger'),
      RequestSubject.inferenceModel('champion'),
      ...Object.values(registryContracts).map((c) => c.subject),
      ...Object.values(driftContracts).map((c) => c.subject),
      ...Object.values(pipelineContracts).map((c) => c.subject),
    ];
    for (const subject of requests) {
      expect(subject).toMatch(/\.v\d+(\.|$)/);
      expect(
        STREAMS.some((s) => s.subjects.some((p) => subject.startsWith(p.replace('>', '')))),
      ).toBe(false);
    }
  });
});

describe('validateMessage', () => {
  const logged = {
    predictionId: randomUUID(),
    modelName: 'sentiment',
    modelVersion: '3',
    track: 'champion',
    label: 'positive',
    score: 0.93,
    tokenCount: 41,
    unknownTokenRate: 0.02,
    truncated: false,
    latencyMs: 4.2,
    occurredAt: now,
  };

  it('accepts a valid payload and returns an instance of the contract class', () => {
    const event = validateMessage(PredictionLogged.payload, logged);
    expect(event).toBeInstanceOf(PredictionLogged.payload);
    expect(event.score).toBe(0.93);
  });

  it.each([
    ['an unknown property', { ...logged, extra: 1 }, 'extra'],
    ['a score above 1', { ...logged, score: 1.5 }, 'score'],
    ['an unknown track', { ...logged, track: 'canary' }, 'track'],
    ['a malformed version', { ...logged, modelVersion: 'v3' }, 'modelVersion'],
    ['a missing field', { ...logged, predictionId: undefined }, 'predictionId'],
  ])('rejects %s', (_name, payload, field) => {
    expect(() => validateMessage(PredictionLogged.payload, payload)).toThrow(
      ContractViolationError,
    );
    expect(() => validateMessage(PredictionLogged.payload, payload)).toThrow(new RegExp(field));
  });

  it('rejects non-objects', () => {
    for (const raw of [null, 'text', 3, [logged]]) {
      expect(() => validateMessage(PredictionLogged.payload, raw)).toThrow(/JSON object/);
    }
  });

  it('validates nested arrays (drift features)', () => {
    const drift = {
      reportId: randomUUID(),
      modelName: 'sentiment',
      modelVersion: '1',
      severity: 'alert',
      windowStart: now,
      windowEnd: now,
      features: [{ feature: 'score', statistic: 'psi', value: 0.31 }],
      occurredAt: now,
    };
    expect(() => validateMessage(DriftDetected.payload, drift)).not.toThrow();
    const bad = { ...drift, features: [{ feature: 'score', statistic: 'mean', value: 'x' }] };
    expect(() => validateMessage(DriftDetected.payload, bad)).toThrow(/features\.0\.statistic/);
    expect(() => validateMessage(DriftDetected.payload, { ...drift, features: [] })).toThrow(
      /features/,
    );
  });

  it('requires feedback to name a prediction or carry a text', () => {
    const base = { feedbackId: randomUUID(), label: 'negative', source: 'api', occurredAt: now };
    expect(() =>
      validateMessage(FeedbackReceived.payload, { ...base, predictionId: randomUUID() }),
    ).not.toThrow();
    expect(() =>
      validateMessage(FeedbackReceived.payload, { ...base, text: 'awful film' }),
    ).not.toThrow();
    expect(() => validateMessage(FeedbackReceived.payload, base)).toThrow(ContractViolationError);
  });

  it('allows an alias to be removed (version null) but not pointed at garbage', () => {
    const base = { modelName: 'sentiment', alias: 'challenger', actor: 'ci', occurredAt: now };
    expect(() =>
      validateMessage(ModelAliasChanged.payload, { ...base, version: null }),
    ).not.toThrow();
    expect(() =>
      validateMessage(ModelAliasChanged.payload, {
        ...base,
        version: '2',
        artifactUri: 'file:///m/2',
      }),
    ).not.toThrow();
    expect(() =>
      validateMessage(ModelAliasChanged.payload, { ...base, version: 'latest' }),
    ).toThrow(/version/);
  });

  it('bounds batch size and text length of predict requests', () => {
    const { request } = predictContract('champion');
    expect(() => validateMessage(request, { texts: ['fine'] })).not.toThrow();
    expect(() => validateMessage(request, { texts: [] })).toThrow(/texts/);
    expect(() => validateMessage(request, { texts: ['x'.repeat(20_001)] })).toThrow(/texts/);
    expect(() => validateMessage(request, { texts: Array(257).fill('a') })).toThrow(/texts/);
  });

  it('rejects unknown pipeline states', () => {
    const ok = { runId: randomUUID(), state: 'training', occurredAt: now };
    expect(() => validateMessage(PipelineStateChanged.payload, ok)).not.toThrow();
    expect(() =>
      validateMessage(PipelineStateChanged.payload, { ...ok, state: 'dreaming' }),
    ).toThrow(/state/);
  });
});
