import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  ErrorCode,
  type EventContract,
  FeedbackReceived,
  MAX_TEXT_CHARS,
  ServiceException,
  validateMessage,
} from '@sentimentops/contracts';
import { EventPublisher, NatsConnection, type PublishOptions } from '@sentimentops/messaging';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { getToken } from '@willsoto/nestjs-prometheus';
import { Counter, Registry } from 'prom-client';
import { FeedbackController } from './feedback.controller.js';
import { FEEDBACK_METRIC } from './feedback.metrics.js';
import { FeedbackModule } from './feedback.module.js';
import { FeedbackService } from './feedback.service.js';

// POST /feedback over real HTTP (validation and exception filter as main.ts sets them up), with a
// stand-in for JetStream that checks each event against its contract, as the real publisher does.
const PREDICTION = '0b8f6c1e-2d3a-4b5c-9d8e-7f6a5b4c3d2e';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Published {
  subject: string;
  payload: Record<string, unknown>;
  options: PublishOptions;
}

class FakePublisher {
  published: Published[] = [];
  fail?: Error;

  publish<T extends object>(contract: EventContract<T>, payload: T, options: PublishOptions) {
    if (this.fail) return Promise.reject(this.fail);
    const checked = validateMessage(contract.payload, payload);
    this.published.push({
      subject: contract.subject,
      payload: { ...checked } as Record<string, unknown>,
      options,
    });
    return Promise.resolve({ stream: 'FEEDBACK', seq: this.published.length, duplicate: false });
  }
}

const publisher = new FakePublisher();
const nats = { connected: true, isConnected: () => nats.connected };
const metrics = new Registry();
const counter = new Counter({
  name: FEEDBACK_METRIC,
  help: 'test',
  labelNames: ['kind', 'label'],
  registers: [metrics],
});
let app: INestApplication;
let url: string;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers: [FeedbackController],
    providers: [
      FeedbackService,
      { provide: EventPublisher, useValue: publisher },
      { provide: NatsConnection, useValue: nats },
      { provide: getToken(FEEDBACK_METRIC), useValue: counter },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(strictValidation());
  app.useGlobalFilters(new ExceptionsFilter());
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(() => app.close());

beforeEach(() => {
  publisher.published = [];
  publisher.fail = undefined;
  nats.connected = true;
  counter.reset();
});

async function post(body: unknown) {
  const response = await fetch(`${url}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const count = async (kind: string, label: string) =>
  (await counter.get()).values.find((v) => v.labels.kind === kind && v.labels.label === label)
    ?.value ?? 0;

describe('POST /feedback', () => {
  it('publishes the label of a prediction and answers 202 with the new feedback id', async () => {
    const before = Date.now();
    const res = await post({ predictionId: PREDICTION, label: 'negative' });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body)).toEqual(['feedbackId']);
    expect(res.body.feedbackId).toMatch(UUID);
    expect(publisher.published).toHaveLength(1);
    const [{ subject, payload, options }] = publisher.published;
    expect(subject).toBe(FeedbackReceived.subject);
    expect(subject).toBe('feedback.received.v1');
    expect(payload).toEqual({
      feedbackId: res.body.feedbackId,
      predictionId: PREDICTION,
      label: 'negative',
      source: 'api',
      occurredAt: expect.any(String) as string,
    });
    expect(Date.parse(payload.occurredAt as string)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(payload.occurredAt as string)).toBeLessThanOrEqual(Date.now());
    expect(options).toEqual({ messageId: res.body.feedbackId });
    expect(FEEDBACK_METRIC).toBe('sentimentops_feedback_total');
    expect(await count('prediction', 'negative')).toBe(1);
  });

  it('publishes a new labelled text, with a fresh id every time', async () => {
    const first = await post({ text: 'Loved every minute.', label: 'positive' });
    const second = await post({ text: 'Loved every minute.', label: 'positive' });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.feedbackId).not.toBe(second.body.feedbackId);
    expect(publisher.published.map((p) => p.payload)).toMatchObject([
      { text: 'Loved every minute.', label: 'positive', source: 'api' },
      { text: 'Loved every minute.', label: 'positive', source: 'api' },
    ]);
    expect(publisher.published[0].payload).not.toHaveProperty('predictionId');
    expect(await count('text', 'positive')).toBe(2);
    expect(await count('prediction', 'positive')).toBe(0);
  });

  it('takes a text of exactly MAX_TEXT_CHARS', async () => {
    expect((await post({ text: 'x'.repeat(MAX_TEXT_CHARS), label: 'positive' })).status).toBe(202);
  });

  it.each([
    ['an empty body', {}, 'predictionId or text is required'],
    ['a label alone', { label: 'positive' }, 'predictionId or text is required'],
    ['no label', { predictionId: PREDICTION }, 'label must be one of negative, positive'],
    [
      'both predictionId and text',
      { predictionId: PREDICTION, text: 'both', label: 'positive' },
      'give either predictionId or text, not both',
    ],
    ['a predictionId that is not a uuid', { predictionId: 'nope', label: 'positive' }, 'UUID'],
    ['a null predictionId', { predictionId: null, label: 'positive' }, 'is required'],
    ['a numeric predictionId', { predictionId: 42, label: 'positive' }, 'UUID'],
    ['an empty text', { text: '', label: 'positive' }, 'text must be longer than or equal to 1'],
    [
      'a text over MAX_TEXT_CHARS',
      { text: 'x'.repeat(MAX_TEXT_CHARS + 1), label: 'positive' },
      'text must be shorter',
    ],
    ['a text that is a list', { text: ['a'], label: 'positive' }, 'text must be a string'],
    ['an unknown label', { text: 'fine', label: 'neutral' }, 'label must be one of'],
    ['a label in capitals', { text: 'fine', label: 'Positive' }, 'label must be one of'],
    [
      'a source (always api here)',
      { text: 'fine', label: 'positive', source: 'cli' },
      'property source should not exist',
    ],
    [
      'a feedbackId (always new here)',
      { text: 'fine', label: 'positive', feedbackId: PREDICTION },
      'property feedbackId should not exist',
    ],
  ])('refuses %s with a 400 that says why', async (_, body, problem) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(ErrorCode.InvalidArgument);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(publisher.published).toEqual([]);
  });

  it('refuses a body that is not a JSON object', async () => {
    for (const body of ['[]', '"text"', '{"label":']) {
      const response = await fetch(`${url}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(400);
    }
    expect(publisher.published).toEqual([]);
  });
});

describe('when the feedback cannot be stored', () => {
  it('answers 503 at once while NATS is disconnected, publishing nothing', async () => {
    nats.connected = false;
    const res = await post({ predictionId: PREDICTION, label: 'positive' });
    expect(res).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: ErrorCode.Unavailable,
        message: 'feedback not recorded: message bus unavailable',
      },
    });
    expect(publisher.published).toEqual([]);
    expect(await count('prediction', 'positive')).toBe(0);
  });

  it.each([
    [
      'streams not declared',
      new ServiceException(ErrorCode.Unavailable, 'JetStream not ready within 5000 ms'),
      'JetStream not ready within 5000 ms',
    ],
    ['no ack in time', new Error('TIMEOUT'), 'feedback not recorded: TIMEOUT'],
    ['no stream', new Error('no responders'), 'feedback not recorded: no responders'],
  ])('answers 503 when JetStream does not acknowledge (%s)', async (_, failure, message) => {
    publisher.fail = failure;
    const res = await post({ text: 'meh', label: 'negative' });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: ErrorCode.Unavailable, message });
    expect(await count('text', 'negative')).toBe(0);
  });
});

describe('OpenAPI', () => {
  it('documents the body and the 202', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    const route = document.paths['/feedback'].post!;
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['202', '400', '503']));
    const schemas = document.components?.schemas as Record<string, { properties: object }>;
    expect(Object.keys(schemas.FeedbackBody.properties).sort()).toEqual([
      'label',
      'predictionId',
      'text',
    ]);
  });
});

describe('FeedbackModule', () => {
  it('resolves with what the platform provides globally (publisher, NATS)', async () => {
    @Global()
    @Module({
      providers: [
        { provide: EventPublisher, useValue: publisher },
        { provide: NatsConnection, useValue: nats },
      ],
      exports: [EventPublisher, NatsConnection],
    })
    class FakePlatformModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [FakePlatformModule, FeedbackModule],
    }).compile();
    expect(moduleRef.get(FeedbackController)).toBeInstanceOf(FeedbackController);
    await moduleRef.close();
  });
});
