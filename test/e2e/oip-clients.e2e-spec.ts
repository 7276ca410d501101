// The Open Inference Protocol v2 as its standard clients use it: the local platform comes up the
// way `make up` starts it (scripts/stack/stack.mjs, on free ports beside any running stack), and
// tritonclient's HTTP and gRPC clients, unchanged, run test/e2e/clients/oip_clients.py against
// the gateway; the report it prints is checked here. Errors are checked with plain HTTP too.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

const run = promisify(execFile);
const root = process.cwd();
const python = join(process.env.SENTIMENTOPS_VENV ?? join(root, '.cache', 'venv'), 'bin', 'python');
const MAX_BODY_BYTES = 64 * 1024;
let platform: E2eStack;
let httpUrl: string;
let grpcAddress: string;

interface Inference {
  model_name: string;
  model_version: string;
  id: string | null;
  labels: string[];
  label_shape: number[];
  probabilities: number[][];
  probabilities_dtype: string;
}
interface Refusal {
  failed: boolean;
  status?: string;
  message?: string;
}
interface ClientReport {
  server_live: boolean;
  server_ready: boolean;
  server_metadata: { name: string; extensions: string[] };
  model_metadata: { versions: string[] } & Record<string, unknown>;
  model_ready: boolean;
  model_ready_versioned: boolean;
  unknown_model: Refusal;
  wrong_version: Refusal;
  wrong_input: Refusal;
  [infer: `infer${string}`]: Inference;
}
interface Report {
  texts: string[];
  http: ClientReport;
  grpc: ClientReport;
}

describe('Open Inference Protocol v2 with the standard clients', () => {
  let report: Report;
  let version: string;

  beforeAll(async () => {
    platform = await e2eStack('oip', { GATEWAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    httpUrl = platform.url('gateway');
    grpcAddress = platform.grpcAddress;
    await platform.stack('up');
    const { stdout } = await run(
      python,
      ['test/e2e/clients/oip_clients.py', '--http-url', httpUrl, '--grpc-url', grpcAddress],
      { cwd: root, env: platform.env, timeout: 120_000 },
    );
    report = JSON.parse(stdout) as Report;
    version = report.http.model_metadata.versions[0];
  });

  afterAll(async () => {
    await platform?.stack('down').catch(() => undefined);
  });

  it.each(['http', 'grpc'] as const)('%s: server and model are live, ready and described', (t) => {
    const client = report[t];
    expect(client).toMatchObject({
      server_live: true,
      server_ready: true,
      model_ready: true,
      model_ready_versioned: true,
      server_metadata: { name: 'sentimentops' },
    });
    expect(client.server_metadata.extensions).toContain('binary_tensor_data');
    // gRPC's JSON form writes int64 as strings.
    const dim = (n: number) => (t === 'grpc' ? String(n) : n);
    expect(client.model_metadata).toEqual({
      name: 'sentiment',
      versions: [expect.stringMatching(/^[1-9][0-9]*$/)],
      platform: 'onnxruntime',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [dim(-1)] }],
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [dim(-1)] },
        { name: 'probabilities', datatype: 'FP32', shape: [dim(-1), dim(2)] },
      ],
    });
  });

  it('infers over HTTP (binary and JSON tensors) and gRPC, with the same answers', () => {
    const results: [string, Inference, string | null][] = [
      ['http binary', report.http.infer_binary, 'http-binary'],
      ['http json', report.http.infer_json, 'http-json'],
      ['http default outputs', report.http.infer_default_outputs, null],
      ['http versioned', report.http.infer_versioned, null],
      ['grpc', report.grpc.infer, 'grpc-raw'],
      ['grpc versioned', report.grpc.infer_versioned, null],
    ];
    const n = report.texts.length;
    const reference = report.http.infer_binary;
    for (const [what, result, id] of results) {
      expect({ what, ...result }).toMatchObject({
        what,
        model_name: 'sentiment',
        model_version: version,
        label_shape: [n],
        probabilities_dtype: 'float32',
      });
      if (id) expect(result.id).toBe(id);
      expect(result.probabilities).toHaveLength(n);
      result.probabilities.forEach(([negative, positive], i) => {
        expect(negative + positive).toBeCloseTo(1, 4);
        expect(result.labels[i]).toBe(positive > negative ? 'positive' : 'negative');
        expect(positive).toBeCloseTo(reference.probabilities[i][1], 5);
      });
      expect(result.labels).toEqual(reference.labels);
    }
  });

  it.each(['http', 'grpc'] as const)('%s: refuses what it cannot serve, saying why', (t) => {
    const [notFound, invalid] =
      t === 'http' ? ['404', '400'] : ['StatusCode.NOT_FOUND', 'StatusCode.INVALID_ARGUMENT'];
    expect(report[t].unknown_model).toMatchObject({ failed: true, status: notFound });
    expect(report[t].wrong_version).toMatchObject({ failed: true, status: notFound });
    expect(report[t].wrong_version.message).toContain(`the served version is '${version}'`);
    expect(report[t].wrong_input).toMatchObject({ failed: true, status: invalid });
    expect(report[t].wrong_input.message).toContain("unexpected input 'txt'");
  });

  it('answers malformed JSON with 400 and a body over the limit with 413, in the OIP form', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${httpUrl}/v2/models/sentiment/infer`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const malformed = await post('{"inputs": [');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toContain('malformed JSON');
    const tooBig = await post('x'.repeat(MAX_BODY_BYTES + 1), 'application/octet-stream');
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toEqual({
      error: expect.stringContaining(`${MAX_BODY_BYTES} bytes`),
    });
  });

  it('lists the OIP routes in the OpenAPI document', async () => {
    const { paths } = (await (await fetch(`${httpUrl}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v2/health/live',
        '/v2/health/ready',
        '/v2',
        '/v2/models/{name}',
        '/v2/models/{name}/versions/{version}/ready',
        '/v2/models/{name}/infer',
        '/v2/models/{name}/versions/{version}/infer',
      ]),
    );
  });
});
