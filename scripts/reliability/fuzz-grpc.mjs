#!/usr/bin/env node
// Fuzzes the gateway's gRPC services (inference.GRPCInferenceService, sentimentops.v1
// SentimentService, grpc.health.v1.Health) with random and mutated protobuf messages: valid
// messages with nasty values, fields mutated byte by byte, truncated messages, random bytes, wrong
// wire types, huge repeated fields, messages over the size limit and unknown methods. Every reply
// must be an expected status (OK, INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED, UNIMPLEMENTED
// for unknown methods), never INTERNAL or UNKNOWN, and the server must stay up.
//
//   node scripts/reliability/fuzz-grpc.mjs [--iterations 3000] [--seed 1] [--concurrency 8]
//        [--target 127.0.0.1:8081 --url http://127.0.0.1:8080] [--save-failures DIR]
//
// Without --target it starts a platform of its own (fuzz-rest.mjs' startFuzzStack) and also counts
// the errors the gateway logged as unhandled. Prints its figures; exits 1 on any failure.
import { Client, credentials, Metadata, status as Status } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFuzzStack, stillServing } from './fuzz-rest.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_MESSAGE_BYTES = 1024 * 1024; // the stack's GATEWAY_MAX_BODY_BYTES default
const STATUS_NAME = Object.fromEntries(Object.entries(Status).map(([name, code]) => [code, name]));
/** What a method may answer to anything; UNIMPLEMENTED only to methods that do not exist. */
const EXPECTED = new Set([
  Status.OK,
  Status.INVALID_ARGUMENT,
  Status.NOT_FOUND,
  Status.RESOURCE_EXHAUSTED,
]);

const { values: options } = parseArgs({
  options: {
    iterations: { type: 'string', default: process.env.FUZZ_GRPC_ITERATIONS ?? '3000' },
    seed: { type: 'string', default: process.env.FUZZ_SEED ?? '1' },
    concurrency: { type: 'string', default: '8' },
    target: { type: 'string' },
    url: { type: 'string' },
    'save-failures': { type: 'string' },
  },
});

// --- deterministic randomness --------------------------------------------------------------
let state = Number(options.seed) >>> 0 || 1;
/** mulberry32: the same seed replays the same run. */
function random() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(random() * n);
const pick = (items) => items[int(items.length)];
const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));

const NASTY_TEXTS = [
  '',
  ' ',
  ' \t\n\r ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ufeff',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '😀'.repeat(100),
  'great film',
  'dull and long',
  'é'.repeat(20_000),
  'x'.repeat(20_001),
  'word '.repeat(2000),
  '%s%n%x{{}}${}',
  "'; DROP TABLE predictions; --",
];
const randomText = () =>
  random() < 0.7 ? pick(NASTY_TEXTS) : bytes(int(64)).toString(pick(['latin1', 'utf8']));
const DATATYPES = ['BYTES', 'FP32', 'INT64', 'BOOL', 'STRING', '', 'bytes', 'FP16'];
const MODEL_NAMES = ['sentiment', 'sentiment', 'other', '', '../etc/passwd', 'sentiment\u0000'];
const randomShape = () =>
  pick([[1], [2], [0], [], [1, 1], [2, 1], [-1], [3, 2], [2 ** 31], [Number.MAX_SAFE_INTEGER]]);

function randomParameters() {
  if (random() < 0.6) return {};
  return Object.fromEntries(
    Array.from({ length: int(3) }, () => [
      pick(['binary_data_output', 'classification', 'x', '']),
      pick([
        { bool_param: random() < 0.5 },
        { int64_param: int(100) - 50 },
        { string_param: randomText() },
        { double_param: random() * 1e9 },
      ]),
    ]),
  );
}

function randomContents(n) {
  return pick([
    { bytes_contents: Array.from({ length: n }, () => Buffer.from(randomText())) },
    { bytes_contents: Array.from({ length: n }, () => bytes(int(16))) },
    { fp32_contents: Array.from({ length: n }, () => random()) },
    { int64_contents: Array.from({ length: n }, () => int(1000)) },
    {},
  ]);
}

/** A structurally valid ModelInferRequest with random, often unacceptable, values. */
function modelInferRequest() {
  const inputs = Array.from({ length: pick([1, 1, 1, 0, 2]) }, () => {
    const shape = randomShape();
    return {
      name: pick(['text', 'text', 'TEXT', 'input', '']),
      datatype: pick(DATATYPES),
      shape,
      parameters: randomParameters(),
      contents: randomContents(Math.min(Math.max(shape[0] ?? 1, 0), 8)),
    };
  });
  const raw = random() < 0.3;
  return {
    model_name: pick(MODEL_NAMES),
    model_version: pick(['', '', '1', '2', 'abc', '-1']),
    id: random() < 0.5 ? '' : randomText(),
    parameters: randomParameters(),
    inputs: raw ? inputs.map((input) => ({ ...input, contents: undefined })) : inputs,
    outputs: random() < 0.5 ? [] : [{ name: pick(['label', 'probabilities', 'nope']) }],
    raw_input_contents: raw
      ? Array.from({ length: inputs.length + pick([0, 0, 1]) }, () => rawBytesElements())
      : [],
  };
}

/** BYTES tensor data (4-byte little-endian length, then the bytes), sometimes lying. */
function rawBytesElements() {
  const parts = Array.from({ length: int(4) }, () => {
    const body = Buffer.from(randomText());
    const length = Buffer.alloc(4);
    length.writeUInt32LE(random() < 0.8 ? body.length : int(2 ** 32));
    return Buffer.concat([length, body]);
  });
  const all = Buffer.concat(parts);
  return random() < 0.2 ? all.subarray(0, int(all.length + 1)) : all;
}

function predictRequest() {
  const form = int(4);
  if (form === 0) return { text: randomText() };
  if (form === 1) return { texts: Array.from({ length: int(70) }, randomText) };
  if (form === 2) return { text: randomText(), texts: [randomText()] };
  return {};
}

// --- the methods ------------------------------------------------------------------------------
const definition = loadSync(
  ['grpc_predict_v2.proto', 'sentimentops/v1/sentiment.proto', 'grpc/health/v1/health.proto'],
  { includeDirs: [path.join(REPO_ROOT, 'proto')], keepCase: true, longs: Number, defaults: true },
);
const method = (service, name, generate, weight) => ({
  path: `/${service}/${name}`,
  serialize: definition[service][name].requestSerialize,
  deserialize: definition[service][name].responseDeserialize,
  generate,
  weight,
});
const METHODS = [
  method('inference.GRPCInferenceService', 'ModelInfer', modelInferRequest, 10),
  method('sentimentops.v1.SentimentService', 'Predict', predictRequest, 10),
  method('inference.GRPCInferenceService', 'ModelMetadata', () => modelRef(), 2),
  method('inference.GRPCInferenceService', 'ModelReady', () => modelRef(), 2),
  method('inference.GRPCInferenceService', 'ServerLive', () => ({}), 1),
  method('inference.GRPCInferenceService', 'ServerReady', () => ({}), 1),
  method('inference.GRPCInferenceService', 'ServerMetadata', () => ({}), 1),
  method('grpc.health.v1.Health', 'Check', () => ({ service: pick(['', 'x', randomText()]) }), 1),
];
const WEIGHTED = METHODS.flatMap((m) => Array(m.weight).fill(m));
function modelRef() {
  return { name: pick(MODEL_NAMES), version: pick(['', '1', '9', randomText()]) };
}

// --- how a message is broken --------------------------------------------------------------------
/** A protobuf field with a random number and wire type, whatever the schema says it is. */
function wrongTypeField() {
  const field = 1 + int(8);
  const wire = pick([0, 1, 2, 5, 3, 4, 6, 7]);
  const key = Buffer.from([(field << 3) | wire]);
  switch (wire) {
    case 0:
      return Buffer.concat([
        key,
        Buffer.from(pick([[0x05], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80]])),
      ]);
    case 1:
      return Buffer.concat([key, bytes(8)]);
    case 5:
      return Buffer.concat([key, bytes(4)]);
    case 2: {
      const body = bytes(int(20));
      const length = random() < 0.7 ? body.length : int(200);
      return Buffer.concat([key, Buffer.from([length & 0x7f]), body]);
    }
    default: // group markers and invalid wire types
      return Buffer.concat([key, bytes(int(4))]);
  }
}

function mutate(message) {
  const out = Buffer.from(message);
  for (let k = 1 + int(4); k > 0 && out.length > 0; k--) {
    const i = int(out.length);
    out[i] = pick([out[i] ^ (1 << int(8)), int(256), 0xff, 0x00, 0x80]);
  }
  return out;
}

/** Which way this iteration breaks its message; `serialize` builds the bytes sent. */
const STRATEGIES = [
  ['valid, random values', 6, (m) => m.serialize(m.generate())],
  ['mutated bytes', 4, (m) => mutate(m.serialize(m.generate()))],
  [
    'truncated',
    2,
    (m) => {
      const full = m.serialize(m.generate());
      return full.subarray(0, int(full.length));
    },
  ],
  ['random bytes', 2, () => bytes(int(512))],
  ['wrong wire types', 2, () => Buffer.concat(Array.from({ length: 1 + int(4) }, wrongTypeField))],
  [
    'huge repeated field',
    1,
    (m) =>
      m.path.endsWith('/Predict')
        ? m.serialize({ texts: Array(10_000).fill('ok') })
        : m.serialize({
            ...modelInferRequest(),
            inputs: [
              {
                name: 'text',
                datatype: 'BYTES',
                shape: [10_000],
                contents: { bytes_contents: Array(10_000).fill(Buffer.from('ok')) },
              },
            ],
            raw_input_contents: [],
          }),
  ],
  ['over the size limit', 0.2, () => Buffer.alloc(MAX_MESSAGE_BYTES + 1024, 0x0a)],
];
const STRATEGY_WEIGHTED = STRATEGIES.flatMap(([name, weight, build]) =>
  Array(Math.max(1, Math.round(weight * 5))).fill({ name, build }),
);

// --- the run ------------------------------------------------------------------------------------
function call(client, path, payload, deserialize) {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      () => payload,
      (buffer) => {
        deserialize(buffer); // an OK reply must be a well-formed message
        return true;
      },
      null,
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      (err) => resolve(err ? { code: err.code, details: err.details } : { code: Status.OK }),
    );
  });
}

async function main() {
  const own = options.target ? undefined : await startFuzzStack('grpc');
  const target = options.target ?? own.grpcAddress;
  const url = options.url ?? own?.url;
  const iterations = Number(options.iterations);
  const client = new Client(target, credentials.createInsecure(), {
    'grpc.max_send_message_length': 4 * MAX_MESSAGE_BYTES,
    'grpc.max_receive_message_length': 4 * MAX_MESSAGE_BYTES,
  });
  const byStatus = new Map();
  const byStrategy = new Map();
  const failures = [];
  let sent = 0;
  let bytesSent = 0;
  const started = Date.now();
  try {
    let next = 0;
    const worker = async () => {
      while (next < iterations) {
        const i = next++;
        const unknown = random() < 0.01;
        const m = pick(WEIGHTED);
        const strategy = unknown
          ? { name: 'unknown method', build: () => bytes(8) }
          : pick(STRATEGY_WEIGHTED);
        let payload;
        try {
          payload = strategy.build(m);
        } catch {
          payload = bytes(int(64)); // a value protobufjs would not encode: send noise instead
        }
        const path = unknown ? '/sentimentops.v1.SentimentService/Nope' : m.path;
        const reply = await call(client, path, payload, m.deserialize);
        sent += 1;
        bytesSent += payload.length;
        const name = STATUS_NAME[reply.code] ?? String(reply.code);
        byStatus.set(name, (byStatus.get(name) ?? 0) + 1);
        byStrategy.set(strategy.name, (byStrategy.get(strategy.name) ?? 0) + 1);
        const expected = unknown ? reply.code === Status.UNIMPLEMENTED : EXPECTED.has(reply.code);
        if (!expected) {
          failures.push({
            i,
            path,
            strategy: strategy.name,
            status: name,
            details: reply.details,
            payload,
          });
        }
        if (i % 500 === 0) process.stderr.write(`fuzz-grpc: ${i}/${iterations}\n`);
      }
    };
    await Promise.all(Array.from({ length: Number(options.concurrency) }, worker));
    const live = await call(
      client,
      '/inference.GRPCInferenceService/ServerLive',
      Buffer.alloc(0),
      () => true,
    );
    const predict = await call(
      client,
      '/sentimentops.v1.SentimentService/Predict',
      definition['sentimentops.v1.SentimentService'].Predict.requestSerialize({ text: 'Lovely.' }),
      () => true,
    );
    const serving = url ? await stillServing(url) : undefined;
    const unhandled = own ? own.unhandledErrors() : [];
    console.log('\nfuzz-grpc figures');
    console.log(`  seconds                 ${((Date.now() - started) / 1000).toFixed(0)}`);
    console.log(`  calls sent              ${sent} (${(bytesSent / 1e6).toFixed(1)} MB)`);
    console.log(`  methods                 ${METHODS.length} + an unknown one`);
    console.log(
      `  by strategy             ${[...byStrategy].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
    );
    console.log(
      `  by status               ${[...byStatus].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
    );
    console.log(`  unexpected statuses     ${failures.length}`);
    if (own) console.log(`  unhandled errors logged ${unhandled.length}`);
    console.log(
      `  after fuzzing           ServerLive ${STATUS_NAME[live.code]}, Predict ${STATUS_NAME[predict.code]}` +
        (serving ? `, /health/ready ${serving.ready}, POST /predict ${serving.predict}` : '') +
        (own ? `, gateway ${own.alive() ? 'alive' : 'DEAD'}` : ''),
    );
    for (const f of failures.slice(0, 10)) {
      console.log(
        `  #${f.i} ${f.path} (${f.strategy}): ${f.status} ${f.details ?? ''} ` +
          `payload ${f.payload.subarray(0, 64).toString('hex')}${f.payload.length > 64 ? '…' : ''}`,
      );
    }
    if (options['save-failures'] && failures.length > 0) {
      // Each failing message as it was sent, to replay: <iteration>-<method>.bin
      fs.mkdirSync(options['save-failures'], { recursive: true });
      for (const f of failures)
        fs.writeFileSync(
          path.join(options['save-failures'], `${f.i}-${f.path.split('/').pop()}.bin`),
          f.payload,
        );
      console.log(`  failing messages saved in ${options['save-failures']}`);
    }
    for (const line of unhandled.slice(0, 5)) console.log(`  ${line.slice(0, 400)}`);
    const ok =
      failures.length === 0 &&
      unhandled.length === 0 &&
      live.code === Status.OK &&
      predict.code === Status.OK &&
      (serving?.ok ?? true) &&
      (own?.alive() ?? true);
    return ok ? 0 : 1;
  } finally {
    client.close();
    await own?.down();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`fuzz-grpc: ${err.stack ?? err}`);
    process.exit(1);
  },
);
