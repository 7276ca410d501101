// The per-client rate limit through the gateway as main.ts starts it (HTTP and gRPC), on a real
// NATS with a stand-in inference track: a client over its budget gets 429 with Retry-After (REST,
// OIP v2) or RESOURCE_EXHAUSTED with a retry-after trailer (gRPC), another client is still
// served, and the first is served again once it has waited what it was told. Clients are told
// apart by X-Forwarded-For behind one trusted proxy, as behind ingress-nginx.
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { loadConfig } from '@sentimentops/config';
import {
  predictContract,
  type PredictRequest,
  registryContracts,
  rolloutContracts,
} from '@sentimentops/contracts';
import { bootstrap } from '@sentimentops/service-kit';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { GatewayModule } from '../../apps/gateway/src/gateway.module.js';
import { GrpcServer } from '../../apps/gateway/src/grpc/grpc.server.js';
import { findProtoRoot } from '../../apps/gateway/src/grpc/proto-files.js';
import { readOipBodiesRaw } from '../../apps/gateway/src/oip/oip-body.parser.js';
import { freePorts } from '../support/ports.js';
import { eventually } from '../support/test-app.js';

// 2 texts a second, 4 at once: a full batch empties a bucket, one more text waits 0.5 s (1 s).
const RATE = { GATEWAY_RATE_LIMIT_RPS: '2', GATEWAY_RATE_LIMIT_BURST: '4', GATEWAY_MAX_BATCH: '4' };

type Unary = (
  request: object,
  metadata: Metadata,
  callback: (err: ServiceError | null, reply: unknown) => void,
) => void;

let nc: NatsConnection;
let subs: Subscription[];
let app: INestApplication;
let url: string;
let sentiment: Record<string, Unary> & { close(): void };

/** Answers every batch the way inference does (Nest's reply packet), all positive. */
function fakeChampion(): Subscription {
  return nc.subscribe(predictContract('champion').subject, {
    queue: 'inference',
    callback: (_err, msg) => {
      const packet = msg.json<{ id: string; data: PredictRequest }>();
      const predictions = packet.data.texts.map(() => ({
        id: randomUUID(),
        label: 'positive',
        score: 0.9,
        probabilities: { negative: 0.1, positive: 0.9 },
        truncated: false,
      }));
      const response = { predictions, model: { name: 'sentiment', version: '1' } };
      msg.respond(JSON.stringify({ id: packet.id, response, isDisposed: true }));
    },
  });
}

function serve(subject: string, response: unknown): Subscription {
  return nc.subscribe(subject, {
    callback: (_err, msg) => {
      const { id } = msg.json<{ id: string }>();
      msg.respond(JSON.stringify({ id, response, isDisposed: true }));
    },
  });
}

const predict = (client: string, texts: string[]) =>
  fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ texts }),
  });

const infer = (client: string, texts: string[]) =>
  fetch(`${url}/v2/models/sentiment/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [texts.length], data: texts }],
    }),
  });

function grpcPredict(client: string, texts: string[]) {
  const metadata = new Metadata();
  metadata.set('x-forwarded-for', client);
  return new Promise<{ error: ServiceError | null }>((resolve) =>
    sentiment.Predict({ texts }, metadata, (error) => resolve({ error })),
  );
}

beforeAll(async () => {
  nc = await connect({ servers: process.env.TEST_NATS_URL });
  subs = [
    fakeChampion(),
    serve(rolloutContracts.current.subject, { rollout: null }),
    serve(registryContracts.listAliases.subject, { aliases: [] }),
  ];
  const [httpPort, grpcPort] = await freePorts(2);
  const config = loadConfig(GatewayConfig, {
    NATS_URL: process.env.TEST_NATS_URL,
    GATEWAY_HTTP_PORT: String(httpPort),
    GATEWAY_GRPC_PORT: String(grpcPort),
    SENTIMENTOPS_ADMIN_TOKENS: 'it:it-admin-token-0123456789',
    GATEWAY_TRUST_PROXY: '1',
    INSTANCE_ID: `it-gateway-${httpPort}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...RATE,
  });
  app = await bootstrap(GatewayModule.forRoot(config), config, {
    configure: (a) => {
      readOipBodiesRaw(a, config.GATEWAY_MAX_BODY_BYTES);
      (a as NestExpressApplication).useBodyParser('json', { limit: config.GATEWAY_MAX_BODY_BYTES });
    },
  });
  url = `http://127.0.0.1:${httpPort}`;
  await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 30_000);
  const packages = loadPackageDefinition(
    loadSync('sentimentops/v1/sentiment.proto', {
      includeDirs: [findProtoRoot()],
      keepCase: true,
      defaults: true,
      oneofs: true,
    }),
  ) as unknown as {
    sentimentops: { v1: { SentimentService: new (a: string, c: unknown) => typeof sentiment } };
  };
  sentiment = new packages.sentimentops.v1.SentimentService(
    `127.0.0.1:${app.get(GrpcServer).port}`,
    credentials.createInsecure(),
  );
}, 60_000);

afterAll(async () => {
  sentiment?.close();
  await app?.close();
  for (const s of subs ?? []) s.unsubscribe();
  await nc?.close();
});

describe('the per-client rate limit on predictions', () => {
  it('answers a REST client over its budget 429 with Retry-After, and serves it after waiting', async () => {
    expect((await predict('198.51.100.1', ['a', 'b', 'c', 'd'])).status).toBe(200);
    const refused = await predict('198.51.100.1', ['e']);
    expect(refused.status).toBe(429);
    const retryAfter = refused.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(await refused.json()).toMatchObject({
      statusCode: 429,
      error: 'RESOURCE_EXHAUSTED',
      message: 'rate limit exceeded',
    });
    // Another client (another forwarded address, same proxy connection) is served meanwhile.
    expect((await predict('198.51.100.2', ['a', 'b', 'c', 'd'])).status).toBe(200);
    await sleep(Number(retryAfter) * 1000);
    expect((await predict('198.51.100.1', ['e'])).status).toBe(200);
  });

  it('refuses OIP v2 inference the same way, in the OIP error form', async () => {
    expect((await infer('198.51.100.3', ['a', 'b', 'c', 'd'])).status).toBe(200);
    const refused = await infer('198.51.100.3', ['e']);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/rate limit exceeded/) });
  });

  it('answers a gRPC caller RESOURCE_EXHAUSTED with a retry-after trailer, one budget with REST', async () => {
    expect((await predict('198.51.100.4', ['a', 'b', 'c', 'd'])).status).toBe(200);
    const { error } = await grpcPredict('198.51.100.4', ['e']);
    expect(error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    const [retryAfter] = error!.metadata.get('retry-after');
    expect(String(retryAfter)).toMatch(/^[1-9]\d*$/);
    expect((await grpcPredict('198.51.100.5', ['a', 'b', 'c', 'd'])).error).toBeNull();
    await sleep(Number(retryAfter) * 1000);
    expect((await grpcPredict('198.51.100.4', ['e'])).error).toBeNull();
  });

  it('counts the refusals by route', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^sentimentops_rate_limited_total\{route="\/predict"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^sentimentops_rate_limited_total\{route="grpc Predict"[^}]*\} 1$/m);
    expect(metrics).toMatch(
      /^sentimentops_rate_limited_total\{route="\/v2\/models\/\{name\}\/infer"[^}]*\} 1$/m,
    );
  });
});
