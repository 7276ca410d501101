// POST /predict as a user calls it, on the platform as `make up` starts it (scripts/stack/stack.mjs,
// on free ports beside any running stack) with two inference replicas: the real path
// client -> gateway -> NATS -> inference (ONNX Runtime) -> back, the error statuses, and the CLI.
import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

const root = process.cwd();
let platform: E2eStack;
let env: E2eStack['env'];
let gateway: string;
let grpcAddress: string;
let replicas: string[];

const post = (body: string, contentType = 'application/json') =>
  fetch(`${gateway}/predict`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('POST /predict through the local platform', () => {
  beforeAll(async () => {
    platform = await e2eStack('predict', {
      INFERENCE_REPLICAS: '2',
      GATEWAY_MAX_BATCH: '8',
      GATEWAY_MAX_BODY_BYTES: String(64 * 1024),
    });
    env = platform.env;
    gateway = platform.url('gateway');
    grpcAddress = platform.grpcAddress;
    // Replica n listens on the first one's port + 100 (n - 1) (scripts/stack/lib/config.mjs).
    const inference = Number(new URL(platform.url('inference')).port);
    replicas = [inference, inference + 100].map((p) => `http://127.0.0.1:${p}`);
    await platform.stack('up');
  });

  afterAll(() => platform?.stack('down').catch(() => undefined));

  it('answers one text with the prediction shape of the design, model version included', async () => {
    const res = await post(JSON.stringify({ text: 'Not bad at all, I loved every minute.' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      ['id', 'label', 'model', 'probabilities', 'score', 'truncated'].sort(),
    );
    expect(body).toMatchObject({
      label: expect.stringMatching(/^(positive|negative)$/),
      truncated: false,
      model: { name: 'sentiment', version: '1' },
    });
    const p = body.probabilities as { negative: number; positive: number };
    expect(p.negative + p.positive).toBeCloseTo(1, 6);
    expect(body.score).toBe(Math.max(p.negative, p.positive));
  });

  it('answers a batch in order, each prediction with its own id', async () => {
    const texts = [
      'Wonderful, moving and funny.',
      'A boring, pointless mess.',
      'word '.repeat(300),
    ];
    const res = await post(JSON.stringify({ texts }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      predictions: { id: string; label: string; truncated: boolean }[];
      model: { version: string };
    };
    expect(body.model).toEqual({ name: 'sentiment', version: '1' });
    expect(body.predictions.map((p) => p.label).slice(0, 2)).toEqual(['positive', 'negative']);
    expect(body.predictions.map((p) => p.truncated)).toEqual([false, false, true]);
    expect(new Set(body.predictions.map((p) => p.id)).size).toBe(3);
  });

  it.each([
    ['malformed JSON', 400, '{"text": ', undefined],
    ['neither text nor texts', 400, '{}', 'text'],
    ['both text and texts', 400, '{"text": "a", "texts": ["b"]}', 'texts'],
    ['a text of the wrong type', 400, '{"text": 5}', 'text'],
    ['an empty batch', 400, '{"texts": []}', 'texts'],
    [
      'a batch over GATEWAY_MAX_BATCH',
      400,
      JSON.stringify({ texts: Array(9).fill('ok') }),
      'texts',
    ],
    ['a text over 20000 characters', 400, JSON.stringify({ text: 'x'.repeat(20_001) }), 'text'],
    [
      'a body over GATEWAY_MAX_BODY_BYTES',
      413,
      JSON.stringify({ text: 'y'.repeat(70_000) }),
      undefined,
    ],
  ])('refuses %s with %i, naming the field', async (_name, status, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const error = (await res.json()) as { message: string; details?: string[] };
    if (field) expect(JSON.stringify(error)).toContain(field);
  });

  it('spreads requests over both inference replicas (one queue group per track)', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(JSON.stringify({ text: `review number ${i}` }))),
    );
    for (const replica of replicas) {
      const metrics = await (await fetch(`${replica}/metrics`)).text();
      const served = [
        ...metrics.matchAll(
          /sentimentops_inference_texts_total\{[^}]*track="champion"[^}]*\} (\d+)/g,
        ),
      ].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(served).toBeGreaterThan(0);
    }
  });

  it('counts predictions by route, status, track and model version at the gateway', async () => {
    const metrics = await (await fetch(`${gateway}/metrics`)).text();
    const series = metrics
      .split('\n')
      .filter((line) => line.startsWith('sentimentops_predict_requests_total{'));
    const labels = ['route="/predict"', 'status="OK"', 'track="champion"', 'model_version="1"'];
    expect(series.some((line) => labels.every((l) => line.includes(l)))).toBe(true);
  });

  it('answers sentimentops.v1.SentimentService/Predict over gRPC like POST /predict', async () => {
    type Reply = { predictions: { label: string; id: string }[]; model: { version: string } };
    type Client = {
      Predict(
        req: object,
        md: Metadata,
        cb: (err: ServiceError | null, reply: Reply) => void,
      ): void;
      close(): void;
    };
    const definition = loadSync('sentimentops/v1/sentiment.proto', {
      includeDirs: [join(root, 'proto')],
      keepCase: true,
      defaults: true,
    });
    const pkg = loadPackageDefinition(definition) as unknown as {
      sentimentops: { v1: { SentimentService: new (a: string, c: unknown) => Client } };
    };
    const client = new pkg.sentimentops.v1.SentimentService(
      grpcAddress,
      credentials.createInsecure(),
    );
    const call = (request: object) =>
      new Promise<Reply>((resolve, reject) =>
        client.Predict(request, new Metadata(), (err, reply) =>
          err ? reject(err) : resolve(reply),
        ),
      );
    try {
      const reply = await call({ texts: ['Brilliant and heartfelt.', 'Dreadful, dull, avoid.'] });
      expect(reply.predictions.map((p) => p.label)).toEqual(['positive', 'negative']);
      expect(reply.model.version).toBe('1');
      const refused = await call({ texts: Array(9).fill('ok') }).catch((e: ServiceError) => e);
      expect((refused as ServiceError).code).toBe(3); // INVALID_ARGUMENT
      expect((refused as ServiceError).details).toContain('texts');
    } finally {
      client.close();
    }
  });

  it('keeps answering when a replica dies mid-traffic (queue group + one retry)', async () => {
    const pidFile = join(env.SENTIMENTOPS_STATE_DIR!, 'pids', 'inference-2.pid');
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const traffic = Array.from({ length: 60 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 10)).then(() =>
        post(JSON.stringify({ text: `review ${i}` })).then((res) => res.status),
      ),
    );
    setTimeout(() => process.kill(pid, 'SIGKILL'), 100);
    const statuses = await Promise.all(traffic);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('lets the CLI predict', () => {
    const cli = spawnSync(
      process.execPath,
      ['bin/sentimentops.js', 'predict', '--json', 'What a fantastic film!', 'Awful. Avoid.'],
      { cwd: root, env: { ...env, SENTIMENTOPS_URL: gateway }, encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const result = JSON.parse(cli.stdout) as {
      predictions: { text: string; label: string }[];
      model: { version: string };
    };
    expect(result.predictions.map((p) => [p.text, p.label])).toEqual([
      ['What a fantastic film!', 'positive'],
      ['Awful. Avoid.', 'negative'],
    ]);
    expect(result.model.version).toBe('1');
  });
});
