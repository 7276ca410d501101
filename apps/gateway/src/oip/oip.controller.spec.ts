import { type INestApplication } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { gzipSync } from 'node:zlib';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { AppInfoService, ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { GatewayConfig } from '../gateway.config.js';
import { SentimentPredictor } from '../predict/sentiment-predictor.js';
import { readOipBodiesRaw } from './oip-body.parser.js';
import { OipController } from './oip.controller.js';
import { OipService } from './oip.service.js';
import { decodeFp32, decodeTextElements, encodeBytesElements } from './tensor-data.codec.js';
import { StubPredictor } from './testing/stub-predictor.js';
import { RateLimiter, rateLimitMetricProviders } from '../rate-limit/rate-limiter.js';

// The /v2 routes over real HTTP, with the body parsing main.ts sets up, against a stand-in predictor.
const LIMIT = 4096;
const predictor = new StubPredictor();
const appInfo = { ready: true, info: () => Promise.resolve({ ready: appInfo.ready }) };
let app: INestApplication;
let url: string;

beforeAll(async () => {
  const config = Object.assign(new GatewayConfig(), {
    GATEWAY_MAX_BATCH: 4,
    GATEWAY_MAX_BODY_BYTES: LIMIT,
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [OipController],
    providers: [
      OipService,
      { provide: SentimentPredictor, useValue: predictor },
      RateLimiter,
      ...rateLimitMetricProviders,
      { provide: GatewayConfig, useValue: config },
      { provide: AppInfoService, useValue: appInfo },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(strictValidation());
  app.useGlobalFilters(new ExceptionsFilter());
  readOipBodiesRaw(app, LIMIT);
  (app as NestExpressApplication).useBodyParser('json', { limit: LIMIT });
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(() => app.close());

beforeEach(() => {
  predictor.fail = undefined;
  predictor.ready = true;
  appInfo.ready = true;
});

async function get(path: string) {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** POSTs bytes with no Content-Type unless given, as tritonclient does. */
async function infer(
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/v2/models/sentiment/infer',
) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? new Uint8Array(Buffer.from(body)) : new Uint8Array(body),
  });
}

const textRequest = (texts: string[], extra: object = {}) =>
  JSON.stringify({
    inputs: [{ name: 'text', datatype: 'BYTES', shape: [texts.length], data: texts }],
    ...extra,
  });

describe('OIP v2 health and metadata', () => {
  it('is live', async () => {
    expect(await get('/v2/health/live')).toEqual({ status: 200, body: { live: true } });
  });

  it('is ready only when the gateway and the model are', async () => {
    expect(await get('/v2/health/ready')).toEqual({ status: 200, body: { ready: true } });
    predictor.ready = false;
    expect(await get('/v2/health/ready')).toEqual({ status: 503, body: { ready: false } });
    predictor.ready = true;
    appInfo.ready = false;
    expect((await get('/v2/health/ready')).status).toBe(503);
    appInfo.ready = true;
    predictor.fail = () => new ServiceException(ErrorCode.Unavailable, 'no model is serving');
    expect((await get('/v2/health/ready')).status).toBe(503);
  });

  it('describes the server', async () => {
    const { status, body } = await get('/v2');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'sentimentops', extensions: ['binary_tensor_data'] });
    expect(typeof body.version).toBe('string');
  });

  it('describes the model, with or without its version', async () => {
    const metadata = {
      name: 'sentiment',
      versions: ['3'],
      platform: 'onnxruntime',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    };
    expect(await get('/v2/models/sentiment')).toEqual({ status: 200, body: metadata });
    expect(await get('/v2/models/sentiment/versions/3')).toEqual({ status: 200, body: metadata });
  });

  it('answers 404 for another model or version, saying which is served', async () => {
    expect(await get('/v2/models/resnet')).toEqual({
      status: 404,
      body: { error: "unknown model 'resnet': this server serves 'sentiment'" },
    });
    expect(await get('/v2/models/sentiment/versions/9/ready')).toEqual({
      status: 404,
      body: { error: "model 'sentiment' version '9' is not served; the served version is '3'" },
    });
  });

  it('reports model readiness by status code', async () => {
    expect(await get('/v2/models/sentiment/ready')).toEqual({
      status: 200,
      body: { name: 'sentiment', ready: true },
    });
    expect((await get('/v2/models/sentiment/versions/3/ready')).body).toMatchObject({
      version: '3',
      ready: true,
    });
    predictor.ready = false;
    expect((await get('/v2/models/sentiment/ready')).status).toBe(503);
  });

  it('answers 503 for metadata when no model is serving', async () => {
    predictor.fail = () => new ServiceException(ErrorCode.Unavailable, 'no model is serving');
    expect(await get('/v2/models/sentiment')).toEqual({
      status: 503,
      body: { error: 'no model is serving' },
    });
  });
});

describe('OIP v2 inference over REST', () => {
  it('takes JSON with no Content-Type, and answers JSON with id and model version', async () => {
    const response = await infer(textRequest(['good film', 'awful'], { id: 'abc' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      model_name: 'sentiment',
      model_version: '3',
      id: 'abc',
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [2], data: ['positive', 'negative'] },
        { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.25, 0.75, 0.75, 0.25] },
      ],
    });
    expect(predictor.batches.at(-1)).toEqual(['good film', 'awful']);
    expect(predictor.routes.at(-1)).toBe('/v2/models/{name}/infer');
    expect(predictor.routingKeys.at(-1)).toBeUndefined();
  });

  it("passes the caller's routing key on for sticky canary routing", async () => {
    const response = await infer(textRequest(['good']), {
      'x-sentimentops-routing-key': 'user-42',
    });
    expect(response.status).toBe(200);
    expect(predictor.routingKeys.at(-1)).toBe('user-42');
  });

  it('takes JSON sent as application/json, nested [n, 1], on the versioned route', async () => {
    const body = JSON.stringify({
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [1, 1], data: [['good']] }],
      outputs: [{ name: 'probabilities' }],
    });
    const response = await infer(
      body,
      { 'content-type': 'application/json' },
      '/v2/models/sentiment/versions/3/infer',
    );
    expect(await response.json()).toMatchObject({
      model_version: '3',
      outputs: [{ name: 'probabilities', shape: [1, 2], data: [0.25, 0.75] }],
    });
  });

  it('takes binary tensor data and answers binary outputs after the JSON', async () => {
    const data = encodeBytesElements(['good', 'bad']);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'text',
            datatype: 'BYTES',
            shape: [2],
            parameters: { binary_data_size: data.length },
          },
        ],
        outputs: [
          { name: 'label', parameters: { binary_data: true } },
          { name: 'probabilities', parameters: { binary_data: true } },
        ],
      }),
    );
    const response = await infer(Buffer.concat([header, data]), {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    });
    expect(response.status).toBe(200);
    const jsonLength = Number(response.headers.get('inference-header-content-length'));
    const body = Buffer.from(await response.arrayBuffer());
    const json = JSON.parse(body.subarray(0, jsonLength).toString()) as {
      outputs: { name: string; parameters: { binary_data_size: number } }[];
    };
    const labelSize = json.outputs[0].parameters.binary_data_size;
    const binary = body.subarray(jsonLength);
    expect(decodeTextElements(binary.subarray(0, labelSize), 'label')).toEqual([
      'positive',
      'negative',
    ]);
    expect(decodeFp32(binary.subarray(labelSize))).toEqual([0.25, 0.75, 0.75, 0.25]);
  });

  it('takes a gzip-compressed request (tritonclient request_compression_algorithm)', async () => {
    const response = await infer(gzipSync(textRequest(['good'])), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { outputs: unknown[] }).outputs).toHaveLength(2);
  });

  it('answers every output in binary when binary_data_output is set and no outputs are named', async () => {
    const response = await infer(
      textRequest(['good'], { parameters: { binary_data_output: true } }),
    );
    expect(response.headers.get('inference-header-content-length')).not.toBeNull();
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
  });

  it.each([
    ['malformed JSON', '{"inputs": [', 'malformed JSON'],
    [
      'a missing field',
      JSON.stringify({ inputs: [{ name: 'text', shape: [1], data: ['a'] }] }),
      'inputs[0].datatype is required',
    ],
    [
      'a wrong input',
      JSON.stringify({ inputs: [{ name: 'txt', datatype: 'BYTES', shape: [1], data: ['a'] }] }),
      "unexpected input 'txt'",
    ],
    [
      'a wrong datatype',
      JSON.stringify({ inputs: [{ name: 'text', datatype: 'FP32', shape: [1], data: [1] }] }),
      "input 'text' must have datatype BYTES",
    ],
    [
      'a shape that does not match',
      JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [3], data: ['a'] }] }),
      'has shape [3] but carries 1',
    ],
    [
      'too many texts',
      textRequest(['a', 'b', 'c', 'd', 'e']),
      'holds 5 texts; a request takes at most 4',
    ],
    [
      'an unknown output',
      textRequest(['a'], { outputs: [{ name: 'logits' }] }),
      "unknown output 'logits'",
    ],
    [
      'classification',
      textRequest(['a'], { outputs: [{ name: 'label', parameters: { classification: 1 } }] }),
      'classification extension',
    ],
  ])('answers 400 with the OIP error form for %s', async (_what, body, message) => {
    const response = await infer(body, { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error).toContain(message);
  });

  it('answers 413 for a body over GATEWAY_MAX_BODY_BYTES, JSON or binary', async () => {
    const big = textRequest(['x'.repeat(LIMIT)]);
    for (const headers of [
      {} as Record<string, string>,
      { 'content-type': 'application/json' },
      { 'content-type': 'application/octet-stream' },
    ]) {
      const response = await infer(big, headers);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({
        error: `request body is larger than the ${LIMIT} bytes the server accepts`,
      });
    }
  });

  it('answers 404 for a version that is not served', async () => {
    const response = await infer(
      textRequest(['good']),
      {},
      '/v2/models/sentiment/versions/2/infer',
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "model 'sentiment' version '2' is not served; the served version is '3'",
    });
  });

  it.each([
    [ErrorCode.ResourceExhausted, 429],
    [ErrorCode.Unavailable, 503],
    [ErrorCode.DeadlineExceeded, 504],
  ])('maps %s from inference to %d', async (code, status) => {
    predictor.fail = () => new ServiceException(code, 'inference said no');
    const response = await infer(textRequest(['good']));
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: 'inference said no' });
  });

  it('hides an unexpected failure behind an error id', async () => {
    predictor.fail = () => new TypeError('secret internals');
    const response = await infer(textRequest(['good']));
    expect(response.status).toBe(500);
    const { error } = (await response.json()) as { error: string };
    expect(error).toMatch(/^internal error \(error id [0-9a-f-]{36}\)$/);
  });
});
