// Bad input at the public edge, on the platform as `make up` starts it (its own ports and state
// folder): oversized bodies, deeply nested JSON, bytes that are not UTF-8, texts and batches
// beyond the documented bounds, wrong content types and odd characters, over REST (/predict,
// /feedback, OIP v2 JSON and binary) and gRPC (typed calls and raw malformed frames). Each gets the
// documented 4xx (or gRPC status) with a message naming the problem; no 5xx, nothing logged as an
// unhandled error, and the gateway still serves afterwards. Long random fuzzing:
// scripts/reliability/fuzz-rest.mjs and fuzz-grpc.mjs (docs/reliability.md).
import { Client, credentials, Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

const MAX_BODY = 1024 * 1024; // GATEWAY_MAX_BODY_BYTES' default
const MAX_BATCH = 64; // GATEWAY_MAX_BATCH's default
const MAX_TEXT = 20_000;
const DEEP = 100_000;

let platform: E2eStack;
let gateway: string;
let grpc: Client;

const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** `before` + bytes that are no UTF-8 (a stray continuation byte, a cut sequence) + `after`. */
const notUtf8 = (before: string, after: string) =>
  Buffer.concat([utf8(before), Buffer.from([0xff, 0xfe, 0xc3]), utf8(after)]);
const deepArrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: new Uint8Array(typeof body === 'string' ? utf8(body) : body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

// --- gRPC ---------------------------------------------------------------------------------------
const definition = loadSync(['grpc_predict_v2.proto', 'sentimentops/v1/sentiment.proto'], {
  includeDirs: [join(process.cwd(), 'proto')],
  keepCase: true,
  longs: Number,
  defaults: true,
});
const PREDICT = '/sentimentops.v1.SentimentService/Predict';
const MODEL_INFER = '/inference.GRPCInferenceService/ModelInfer';
const serializer = (path: string) => {
  const [service, method] = path.slice(1).split('/');
  return (definition[service] as Record<string, { requestSerialize: (m: object) => Buffer }>)[
    method
  ].requestSerialize;
};

/** A unary call with the request given as bytes: a valid message serialized, or anything else. */
function grpcCall(path: string, request: object | Buffer) {
  const bytes = Buffer.isBuffer(request) ? request : serializer(path)(request);
  return new Promise<{ code: GrpcStatus; details: string }>((resolve) =>
    grpc.makeUnaryRequest(
      path,
      () => bytes,
      (b: Buffer) => b,
      null,
      new Metadata(),
      { deadline: Date.now() + 60_000 },
      (err) =>
        resolve(
          err ? { code: err.code, details: err.details } : { code: GrpcStatus.OK, details: '' },
        ),
    ),
  );
}

const textTensor = (elements: Buffer[]) => ({
  model_name: 'sentiment',
  inputs: [
    {
      name: 'text',
      datatype: 'BYTES',
      shape: [elements.length],
      contents: { bytes_contents: elements },
    },
  ],
});
/** BYTES tensor data: each element a 4-byte little-endian length, then its bytes. */
const rawElement = (bytes: Buffer, claimed = bytes.length) => {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(claimed);
  return Buffer.concat([length, bytes]);
};

describe('bad input at the gateway', () => {
  beforeAll(async () => {
    platform = await e2eStack('bad-input', {
      GATEWAY_RATE_LIMIT_RPS: '0',
      SENTIMENTOPS_MLFLOW: 'off',
    });
    gateway = platform.url('gateway');
    await platform.stack('up');
    grpc = new Client(platform.grpcAddress, credentials.createInsecure(), {
      'grpc.max_send_message_length': 4 * MAX_BODY,
    });
  });

  afterAll(async () => {
    grpc?.close();
    await platform?.stack('down').catch(() => undefined);
  });

  describe('POST /predict', () => {
    it.each([
      [
        'a body over GATEWAY_MAX_BODY_BYTES',
        JSON.stringify({ text: 'y'.repeat(MAX_BODY) }),
        413,
        'request entity too large',
      ],
      [
        '100,000 levels of [',
        deepArrays(DEEP),
        400,
        'the JSON body is nested deeper than 32 levels',
      ],
      [
        'a text of 100,000 nested arrays',
        `{"text": ${deepArrays(DEEP)}}`,
        400,
        'the JSON body is nested deeper than 32 levels',
      ],
      [
        '50,000 nested objects',
        `${'{"text":'.repeat(50_000)}"x"${'}'.repeat(50_000)}`,
        400,
        'the JSON body is nested deeper than 32 levels',
      ],
      [
        'bytes that are not UTF-8',
        notUtf8('{"text": "bad ', '"}'),
        400,
        'the request body is not valid UTF-8',
      ],
      [
        'a 100,000-character text',
        JSON.stringify({ text: 'a'.repeat(100_000) }),
        400,
        `text must be shorter than or equal to ${MAX_TEXT} characters`,
      ],
      ['an empty batch', '{"texts": []}', 400, 'texts must contain at least 1 elements'],
      [
        'a 10,000-text batch',
        JSON.stringify({ texts: Array(10_000).fill('ok') }),
        400,
        `texts: at most ${MAX_BATCH} texts per request (got 10000)`,
      ],
      [
        'a batch with a 100,000-character text',
        JSON.stringify({ texts: ['ok', 'b'.repeat(100_000)] }),
        400,
        `each value in texts must be shorter than or equal to ${MAX_TEXT} characters`,
      ],
      ['an empty text', '{"text": ""}', 400, 'text must be longer than or equal to 1 characters'],
      ['JSON null', 'null', 400, 'is not valid JSON'],
      ['a JSON array', '[{"text": "x"}]', 400, 'property 0 should not exist'],
      ['an unknown field', '{"text": "x", "lang": "en"}', 400, 'property lang should not exist'],
    ])('refuses %s, naming the problem', async (_name, body, status, message) => {
      const res = await post('/predict', body);
      expect(res.status).toBe(status);
      expect(res.text).toContain(message);
    });

    it.each([
      ['text/plain', 415, 'must be application/json (Content-Type: text/plain)'],
      ['application/xml', 415, 'must be application/json (Content-Type: application/xml)'],
      ['application/octet-stream', 415, 'must be application/json'],
      ['application/json; charset=latin1', 415, 'unsupported charset \\"LATIN1\\"'],
    ])('answers a JSON body sent as %s with %i', async (contentType, status, message) => {
      const res = await post('/predict', '{"text": "fine"}', { 'content-type': contentType });
      expect(res.status).toBe(status);
      expect(res.text).toContain(message);
    });

    it('refuses a body whose Content-Encoding lies with 400', async () => {
      const res = await post('/predict', '{"text": "x"}', { 'content-encoding': 'gzip' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('INVALID_ARGUMENT');
    });

    // Documented bounds are length only: any non-empty text up to 20,000 characters is scored.
    it.each([
      ['only whitespace', ' \t\n '],
      ['NUL characters', 'a\u0000b\u0000'],
      ['a lone surrogate (as the JSON escape \\ud800)', 'x\ud800y'],
      ['a byte-order mark and right-to-left text', '\ufeff\u202eمرحبا'],
    ])('scores a text of %s', async (_name, text) => {
      const res = await post('/predict', JSON.stringify({ text }));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({
        label: expect.stringMatching(/^(positive|negative)$/),
        truncated: false,
      });
    });
  });

  describe('POST /feedback', () => {
    it.each([
      ['100,000 levels of [', deepArrays(DEEP), 400, 'nested deeper than 32 levels'],
      [
        'bytes that are not UTF-8',
        notUtf8('{"label": "positive", "text": "', '"}'),
        400,
        'not valid UTF-8',
      ],
      [
        'a 100,000-character text',
        JSON.stringify({ text: 'a'.repeat(100_000), label: 'positive' }),
        400,
        `text must be shorter than or equal to ${MAX_TEXT} characters`,
      ],
      [
        'a body over GATEWAY_MAX_BODY_BYTES',
        JSON.stringify({ text: 'y'.repeat(MAX_BODY), label: 'negative' }),
        413,
        'request entity too large',
      ],
      [
        'a predictionId that is no UUID',
        '{"predictionId": "\\u0000", "label": "positive"}',
        400,
        'predictionId must be a UUID',
      ],
      ['an unknown label', '{"text": "ok", "label": "meh"}', 400, 'label must be one of'],
      ['neither predictionId nor text', '{"label": "positive"}', 400, 'predictionId or text'],
    ])('refuses %s, naming the problem', async (_name, body, status, message) => {
      const res = await post('/feedback', body);
      expect(res.status).toBe(status);
      expect(res.text).toContain(message);
    });
  });

  describe('POST /v2/models/sentiment/infer', () => {
    const path = '/v2/models/sentiment/infer';
    const header = (size: number) =>
      JSON.stringify({
        inputs: [
          { name: 'text', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: size } },
        ],
      });
    const binary = (json: string, data: Buffer, headerLength = String(utf8(json).length)) =>
      post(path, Buffer.concat([utf8(json), data]), {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': headerLength,
      });
    const jsonText = (data: unknown, shape = [1]) =>
      JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape, data }] });

    it.each([
      [
        'a malformed Inference-Header-Content-Length',
        () => binary(header(9), rawElement(utf8('hello')), '12abc'),
        'Inference-Header-Content-Length must be the length of the JSON part',
      ],
      [
        'an Inference-Header-Content-Length beyond the body',
        () => binary(header(9), rawElement(utf8('hello')), '999999'),
        'Inference-Header-Content-Length must be the length of the JSON part',
      ],
      [
        'a binary_data_size beyond the data',
        () => binary(header(100), rawElement(utf8('hello'))),
        'inputs[0].parameters.binary_data_size is 100 but only 9 bytes of binary data remain',
      ],
      [
        'an element length that lies',
        () => binary(header(9), rawElement(utf8('hello'), 2 ** 31 - 1)),
        "input 'text': element 0 claims 2147483647 bytes but only 5 remain",
      ],
      [
        'binary data nothing accounts for',
        () => binary(header(9), Buffer.concat([rawElement(utf8('hello')), Buffer.alloc(3)])),
        'the body carries 3 bytes after the JSON',
      ],
      [
        'a binary element that is not UTF-8',
        () => binary(header(9), rawElement(Buffer.from([0x68, 0xff, 0x6c, 0x6c, 0x6f]))),
        "input 'text'[0] is not valid UTF-8 text",
      ],
      [
        'JSON that is not UTF-8',
        () => post(path, notUtf8(jsonText(['ok']).slice(0, -5), '"]}]}')),
        'the JSON part of the request is not valid UTF-8',
      ],
      [
        '100,000 levels of [ as data',
        () => post(path, jsonText('DATA').replace('"DATA"', deepArrays(DEEP))),
        'inputs[0].data is nested deeper than the tensor',
      ],
      [
        '100,000 levels of [ as the body',
        () => post(path, deepArrays(DEEP)),
        'the inference request must be a JSON object',
      ],
      [
        'a 100,000-character text',
        () => post(path, jsonText(['a'.repeat(100_000)])),
        `input 'text'[0] has 100000 characters; a text has at most ${MAX_TEXT}`,
      ],
      [
        'an empty batch',
        () => post(path, jsonText([], [0])),
        "input 'text' holds no text: give at least one",
      ],
      [
        'a 10,000-text batch',
        () => post(path, jsonText(Array(10_000).fill('ok'), [10_000])),
        `input 'text' holds 10000 texts; a request takes at most ${MAX_BATCH}`,
      ],
    ])('refuses %s with 400, naming the problem', async (_name, send, message) => {
      const res = await send();
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ error: expect.stringContaining(message) });
    });

    it('refuses a body over GATEWAY_MAX_BODY_BYTES with 413 in the OIP error form', async () => {
      const res = await post(path, jsonText(['y'.repeat(MAX_BODY)]));
      expect(res.status).toBe(413);
      expect(JSON.parse(res.text)).toEqual({
        error: `request body is larger than the ${MAX_BODY} bytes the server accepts`,
      });
    });
  });

  describe('gRPC', () => {
    it.each([
      [
        'Predict, a 100,000-character text',
        PREDICT,
        { text: 'a'.repeat(100_000) },
        GrpcStatus.INVALID_ARGUMENT,
        `text[0] has 100000 characters; a text has at most ${MAX_TEXT}`,
      ],
      [
        'Predict, an empty batch',
        PREDICT,
        { texts: [] },
        GrpcStatus.INVALID_ARGUMENT,
        'text or texts is required',
      ],
      [
        'Predict, a 10,000-text batch',
        PREDICT,
        { texts: Array(10_000).fill('ok') },
        GrpcStatus.INVALID_ARGUMENT,
        `texts holds 10000 texts; a request takes at most ${MAX_BATCH}`,
      ],
      [
        'Predict, a message over GATEWAY_MAX_BODY_BYTES',
        PREDICT,
        { text: 'y'.repeat(MAX_BODY + 1) },
        GrpcStatus.RESOURCE_EXHAUSTED,
        'Received message larger than max',
      ],
      [
        'ModelInfer, a text that is not UTF-8',
        MODEL_INFER,
        textTensor([Buffer.from([0x68, 0xff])]),
        GrpcStatus.INVALID_ARGUMENT,
        "input 'text'[0] is not valid UTF-8 text",
      ],
      [
        'ModelInfer, an empty tensor',
        MODEL_INFER,
        textTensor([]),
        GrpcStatus.INVALID_ARGUMENT,
        "input 'text' holds no text",
      ],
      [
        'ModelInfer, 10,000 texts',
        MODEL_INFER,
        textTensor(Array.from({ length: 10_000 }, () => utf8('ok'))),
        GrpcStatus.INVALID_ARGUMENT,
        `input 'text' holds 10000 texts; a request takes at most ${MAX_BATCH}`,
      ],
      [
        'ModelInfer, raw contents whose element length lies',
        MODEL_INFER,
        {
          ...textTensor([]),
          inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }],
          raw_input_contents: [rawElement(utf8('hi'), 1000)],
        },
        GrpcStatus.INVALID_ARGUMENT,
        "input 'text': element 0 claims 1000 bytes but only 2 remain",
      ],
      // Quoting 20,000 é made a 120 KB grpc-message trailer that was never sent: the call hung.
      [
        'ModelMetadata, a 20,000-character version',
        '/inference.GRPCInferenceService/ModelMetadata',
        { name: 'sentiment', version: 'é'.repeat(20_000) },
        GrpcStatus.NOT_FOUND,
        "model 'sentiment' version 'ééé",
      ],
      // Raw frames that are no protobuf message: grpc-js alone answers these INTERNAL.
      [
        'Predict, an end-group marker without its group',
        PREDICT,
        Buffer.from('3c23', 'hex'),
        GrpcStatus.INVALID_ARGUMENT,
        'the request to Predict is not a valid protobuf message',
      ],
      [
        'ModelInfer, a truncated message',
        MODEL_INFER,
        serializer(MODEL_INFER)(textTensor([utf8('great film')])).subarray(0, 20),
        GrpcStatus.INVALID_ARGUMENT,
        'the request to ModelInfer is not a valid protobuf message',
      ],
      // protobufjs decoded these to U+FFFD and the texts were scored.
      [
        'Predict, a text that is not UTF-8',
        PREDICT,
        Buffer.from([0x0a, 0x03, 0x68, 0xff, 0x69]),
        GrpcStatus.INVALID_ARGUMENT,
        'the request to Predict is not a valid protobuf message (field text is not valid UTF-8)',
      ],
      [
        'ModelInfer, a model name that is not UTF-8',
        MODEL_INFER,
        Buffer.concat([
          Buffer.from([0x0a, 0x02, 0xc3, 0x28]),
          serializer(MODEL_INFER)(textTensor([utf8('ok')])),
        ]),
        GrpcStatus.INVALID_ARGUMENT,
        'field model_name is not valid UTF-8',
      ],
      [
        'ModelInfer, an input whose length runs past the message',
        MODEL_INFER,
        Buffer.from('2a05', 'hex'),
        GrpcStatus.INVALID_ARGUMENT,
        'the request to ModelInfer is not a valid protobuf message',
      ],
    ])('answers %s with the documented status', async (_name, path, request, code, message) => {
      const reply = await grpcCall(path, request);
      expect(reply).toEqual({ code, details: expect.stringContaining(message) });
    });

    it('answers 200 random frames with INVALID_ARGUMENT or OK, never INTERNAL', async () => {
      // A fixed generator (no Math.random): the same frames on every run.
      let seed = 7;
      const next = () => (seed = (seed * 48_271) % 2_147_483_647) % 256;
      const codes = new Set<GrpcStatus>();
      for (let i = 0; i < 200; i++) {
        const frame = Buffer.from(Array.from({ length: 1 + (i % 40) }, next));
        codes.add((await grpcCall(i % 2 ? PREDICT : MODEL_INFER, frame)).code);
      }
      expect(
        [...codes].filter((c) => c !== GrpcStatus.INVALID_ARGUMENT && c !== GrpcStatus.OK),
      ).toEqual([]);
    });
  });

  describe('afterwards', () => {
    it('is still ready and predicts over REST and gRPC', async () => {
      expect((await fetch(`${gateway}/health/ready`)).status).toBe(200);
      const rest = await post('/predict', '{"text": "A warm, funny, lovely film."}');
      expect(rest.status).toBe(200);
      expect(JSON.parse(rest.text)).toMatchObject({ label: 'positive' });
      expect((await grpcCall(PREDICT, { texts: ['Loved it.', 'Hated it.'] })).code).toBe(0);
    });

    it('logged no unhandled error (no 500, no INTERNAL) along the way', () => {
      const log = readFileSync(join(platform.stateDir, 'logs', 'gateway.log'), 'utf8');
      expect(log.split('\n').filter((line) => line.includes('unhandled error'))).toEqual([]);
    });
  });
});
