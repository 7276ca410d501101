import {
  type Client,
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  Metadata,
  type ServiceClientConstructor,
  type ServiceError,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { AppInfoService } from '@sentimentops/service-kit';
import { GatewayConfig } from '../gateway.config.js';
import { OipService } from '../oip/oip.service.js';
import { decodeFp32, decodeTextElements, encodeBytesElements } from '../oip/tensor-data.codec.js';
import { StubPredictor } from '../oip/testing/stub-predictor.js';
import { SentimentPredictor } from '../predict/sentiment-predictor.js';
import { GrpcServer } from './grpc.server.js';
import { HealthGrpcService } from './health.grpc-service.js';
import { InferenceGrpcService } from './inference.grpc-service.js';
import { findProtoRoot } from './proto-files.js';
import { SentimentGrpcService } from './sentiment.grpc-service.js';
import { RateLimiter, rateLimitMetricProviders } from '../rate-limit/rate-limiter.js';

// The gateway's gRPC server on a free port, called by a grpc-js client built from the same
// .proto files, against a stand-in predictor.
const LIMIT = 4096;
const predictor = new StubPredictor();
let app: INestApplication;
let clients: { inference: Client; sentiment: Client; health: Client };

type Reply = Record<string, unknown>;
interface Answer {
  reply: Reply;
  metadata: Metadata;
}

function call(client: Client, method: string, request: object, metadata = new Metadata()) {
  return new Promise<Answer>((resolve, reject) => {
    let initial = new Metadata();
    const rpc = (
      client as unknown as Record<
        string,
        (...args: unknown[]) => { on: (e: string, f: (m: Metadata) => void) => void }
      >
    )[method];
    const stream = rpc.call(client, request, metadata, (err: ServiceError | null, reply: Reply) =>
      err ? reject(err) : resolve({ reply, metadata: initial }),
    );
    stream.on('metadata', (m: Metadata) => (initial = m));
  });
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  const config = Object.assign(new GatewayConfig(), {
    GATEWAY_GRPC_PORT: 0,
    GATEWAY_MAX_BATCH: 4,
    GATEWAY_MAX_BODY_BYTES: LIMIT,
    SHUTDOWN_TIMEOUT_MS: 2_000,
  });
  const moduleRef = await Test.createTestingModule({
    providers: [
      GrpcServer,
      InferenceGrpcService,
      SentimentGrpcService,
      HealthGrpcService,
      OipService,
      { provide: SentimentPredictor, useValue: predictor },
      RateLimiter,
      ...rateLimitMetricProviders,
      { provide: GatewayConfig, useValue: config },
      { provide: AppInfoService, useValue: { info: () => Promise.resolve({ ready: true }) } },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const address = `127.0.0.1:${app.get(GrpcServer).port}`;
  const packages = loadPackageDefinition(
    loadSync(
      ['grpc_predict_v2.proto', 'sentimentops/v1/sentiment.proto', 'grpc/health/v1/health.proto'],
      {
        includeDirs: [findProtoRoot()],
        keepCase: true,
        longs: Number,
        enums: String,
        defaults: true,
        oneofs: true,
      },
    ),
  );
  const client = (path: string) => {
    const ctor = path.split('.').reduce<unknown>((o, k) => (o as GrpcObject)[k], packages);
    return new (ctor as ServiceClientConstructor)(address, credentials.createInsecure());
  };
  clients = {
    inference: client('inference.GRPCInferenceService'),
    sentiment: client('sentimentops.v1.SentimentService'),
    health: client('grpc.health.v1.Health'),
  };
});

let closed = false;
afterAll(async () => {
  Object.values(clients ?? {}).forEach((c) => c.close());
  if (!closed) await app?.close();
});

beforeEach(() => {
  predictor.fail = undefined;
  predictor.ready = true;
});

const infer = (request: object, metadata?: Metadata) =>
  call(clients.inference, 'ModelInfer', { model_name: 'sentiment', ...request }, metadata);

describe('inference.GRPCInferenceService', () => {
  it('answers liveness, readiness and metadata', async () => {
    expect((await call(clients.inference, 'ServerLive', {})).reply).toEqual({ live: true });
    expect((await call(clients.inference, 'ServerReady', {})).reply).toEqual({ ready: true });
    expect((await call(clients.inference, 'ServerMetadata', {})).reply).toMatchObject({
      name: 'sentimentops',
      extensions: ['binary_tensor_data'],
    });
    expect((await call(clients.inference, 'ModelReady', { name: 'sentiment' })).reply).toEqual({
      ready: true,
    });
    expect(
      (await call(clients.inference, 'ModelMetadata', { name: 'sentiment', version: '3' })).reply,
    ).toEqual({
      name: 'sentiment',
      versions: ['3'],
      platform: 'onnxruntime',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
  });

  it('says not ready, rather than failing, when no model answers', async () => {
    predictor.fail = () => new ServiceException(ErrorCode.Unavailable, 'no model is serving');
    expect((await call(clients.inference, 'ServerReady', {})).reply).toEqual({ ready: false });
    expect((await call(clients.inference, 'ModelReady', { name: 'sentiment' })).reply).toEqual({
      ready: false,
    });
  });

  it('answers NOT_FOUND for another model or version', async () => {
    const other = await failure(call(clients.inference, 'ModelMetadata', { name: 'bert' }));
    expect(other.code).toBe(GrpcStatus.NOT_FOUND);
    expect(other.details).toBe("unknown model 'bert': this server serves 'sentiment'");
    const version = await failure(
      call(clients.inference, 'ModelReady', { name: 'sentiment', version: '2' }),
    );
    expect(version.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('infers from raw_input_contents and answers raw_output_contents', async () => {
    const { reply } = await infer({
      id: 'req-7',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2] }],
      raw_input_contents: [encodeBytesElements(['good', 'meh'])],
    });
    expect(reply).toMatchObject({ model_name: 'sentiment', model_version: '3', id: 'req-7' });
    const outputs = reply.outputs as { name: string; shape: number[] }[];
    expect(outputs.map((o) => [o.name, o.shape])).toEqual([
      ['label', [2]],
      ['probabilities', [2, 2]],
    ]);
    const [label, probabilities] = reply.raw_output_contents as Buffer[];
    expect(decodeTextElements(label, 'label')).toEqual(['positive', 'negative']);
    expect(decodeFp32(probabilities)).toEqual([0.25, 0.75, 0.75, 0.25]);
  });

  it('infers from typed contents and answers typed contents, outputs as asked', async () => {
    const { reply } = await infer({
      inputs: [
        {
          name: 'text',
          datatype: 'BYTES',
          shape: [1, 1],
          contents: { bytes_contents: [Buffer.from('good')] },
        },
      ],
      outputs: [{ name: 'probabilities' }],
    });
    expect(reply.raw_output_contents).toEqual([]);
    expect(reply.outputs).toEqual([
      expect.objectContaining({
        name: 'probabilities',
        contents: expect.objectContaining({ fp32_contents: [0.25, 0.75] }),
      }),
    ]);
  });

  it('answers INVALID_ARGUMENT naming what is wrong', async () => {
    const err = await failure(
      infer({
        inputs: [{ name: 'txt', datatype: 'BYTES', shape: [1] }],
        raw_input_contents: [encodeBytesElements(['a'])],
      }),
    );
    expect(err.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(err.details).toContain("unexpected input 'txt'");
  });

  it('refuses a message over GATEWAY_MAX_BODY_BYTES with RESOURCE_EXHAUSTED', async () => {
    const err = await failure(
      infer({
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }],
        raw_input_contents: [encodeBytesElements(['x'.repeat(LIMIT)])],
      }),
    );
    expect(err.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it.each([
    [ErrorCode.ResourceExhausted, GrpcStatus.RESOURCE_EXHAUSTED],
    [ErrorCode.Unavailable, GrpcStatus.UNAVAILABLE],
    [ErrorCode.DeadlineExceeded, GrpcStatus.DEADLINE_EXCEEDED],
  ])('maps %s from inference to gRPC status %d', async (code, status) => {
    predictor.fail = () => new ServiceException(code, 'inference said no');
    const err = await failure(
      infer({
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }],
        raw_input_contents: [encodeBytesElements(['good'])],
      }),
    );
    expect([err.code, err.details]).toEqual([status, 'inference said no']);
  });

  it('hides an unexpected failure behind an error id', async () => {
    predictor.fail = () => new TypeError('secret internals');
    const err = await failure(call(clients.sentiment, 'Predict', { text: 'good' }));
    expect(err.code).toBe(GrpcStatus.INTERNAL);
    expect(err.details).toMatch(/^internal error \(error id [0-9a-f-]{36}\)$/);
  });

  it("runs under the caller's x-request-id and sends it back", async () => {
    const metadata = new Metadata();
    metadata.set('x-request-id', 'grpc-req-1');
    const answer = await infer(
      {
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }],
        raw_input_contents: [encodeBytesElements(['good'])],
      },
      metadata,
    );
    expect(predictor.requestIds.at(-1)).toBe('grpc-req-1');
    expect(predictor.routes.at(-1)).toBe('grpc ModelInfer');
    expect(answer.metadata.get('x-request-id')).toEqual(['grpc-req-1']);
    const fresh = await call(clients.sentiment, 'Predict', { text: 'good' });
    expect(fresh.metadata.get('x-request-id')[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('passes the x-sentimentops-routing-key metadata on, on both services', async () => {
    const metadata = new Metadata();
    metadata.set('x-sentimentops-routing-key', 'session-7');
    await infer(
      {
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }],
        raw_input_contents: [encodeBytesElements(['good'])],
      },
      metadata,
    );
    expect(predictor.routingKeys.at(-1)).toBe('session-7');
    await call(clients.sentiment, 'Predict', { text: 'good' }, metadata);
    expect(predictor.routingKeys.at(-1)).toBe('session-7');
    await call(clients.sentiment, 'Predict', { text: 'good' });
    expect(predictor.routingKeys.at(-1)).toBeUndefined();
  });
});

describe('sentimentops.v1.SentimentService', () => {
  it('predicts one text or a batch, with the model that answered', async () => {
    const one = (await call(clients.sentiment, 'Predict', { text: 'good' })).reply;
    expect(one).toEqual({
      predictions: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          label: 'positive',
          score: 0.75,
          probabilities: { negative: 0.25, positive: 0.75 },
          truncated: false,
        },
      ],
      model: { name: 'sentiment', version: '3' },
    });
    const batch = (await call(clients.sentiment, 'Predict', { texts: ['good', 'bad'] })).reply;
    expect(predictor.routes.at(-1)).toBe('grpc Predict');
    expect((batch.predictions as { label: string }[]).map((p) => p.label)).toEqual([
      'positive',
      'negative',
    ]);
  });

  it.each([
    [{}, 'text or texts is required'],
    [{ text: '' }, 'text is empty'],
    [{ texts: ['a', ''] }, 'texts[1] is empty'],
    [{ text: 'a', texts: ['b'] }, 'give either text or texts, not both'],
    [{ texts: ['a', 'b', 'c', 'd', 'e'] }, 'texts holds 5 texts; a request takes at most 4'],
  ])('refuses %j with INVALID_ARGUMENT', async (request, message) => {
    const err = await failure(call(clients.sentiment, 'Predict', request));
    expect([err.code, err.details]).toEqual([GrpcStatus.INVALID_ARGUMENT, message]);
  });
});

describe('grpc.health.v1.Health', () => {
  it('is SERVING when ready to infer, NOT_SERVING otherwise', async () => {
    expect((await call(clients.health, 'Check', { service: '' })).reply).toEqual({
      status: 'SERVING',
    });
    predictor.ready = false;
    expect(
      (await call(clients.health, 'Check', { service: 'inference.GRPCInferenceService' })).reply,
    ).toEqual({ status: 'NOT_SERVING' });
    const unknown = await failure(call(clients.health, 'Check', { service: 'nope' }));
    expect(unknown.code).toBe(GrpcStatus.NOT_FOUND);
  });
});

describe('shutdown', () => {
  it('lets calls in flight finish, then takes no more', async () => {
    let release!: () => void;
    predictor.hold = new Promise((resolve) => (release = resolve));
    const before = predictor.batches.length;
    const inFlight = call(clients.sentiment, 'Predict', { text: 'good' });
    while (predictor.batches.length === before) await sleep(5); // the server has the call
    closed = true;
    const closing = app.close();
    await sleep(50);
    release();
    expect((await inFlight).reply.model).toEqual({ name: 'sentiment', version: '3' });
    await closing;
    predictor.hold = undefined;
    const after = await failure(call(clients.sentiment, 'Predict', { text: 'good' }));
    expect(after.code).toBe(GrpcStatus.UNAVAILABLE);
  });
});
