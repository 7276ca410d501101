import { ExitCode } from '../exit-codes.js';
import {
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestServer,
} from '../testing/cli.testing.js';
import { runMain } from '../testing/run-main.js';
import { REGISTER_TIMEOUT_MS } from './models.command.js';

const TOKEN = 'admin-tok';
const DATASET = '4f2a6bd445bb6f928385e0c9877500fbdad047d3febaf4f8bdc471794d25f285';
const CARD_SHA = 'c'.repeat(64);
const COMMIT = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';

function summary(version: string, overrides: object = {}) {
  return {
    modelName: 'sentiment',
    version,
    status: 'registered',
    aliases: [],
    artifactUri: `gs://models/sentiment/run-${version}`,
    format: 'onnx',
    contentSha256: CARD_SHA,
    datasetSha256: DATASET,
    mlflowRunId: 'mlf-run-1',
    mlflowVersion: version,
    metrics: {
      validation: { n: 4000, accuracy: 0.96975, macroF1: 0.9697 },
      handwritten: { n: 120, accuracy: 0.925, macroF1: 0.9249 },
    },
    createdBy: 'alice',
    createdAt: '2026-01-02T03:04:05.678Z',
    ...overrides,
  };
}

const gateEvaluation = {
  id: 'e-2',
  testSet: 'handwritten',
  testSetSha256: 'd'.repeat(64),
  metrics: { n: 120, accuracy: 0.925, macroF1: 0.9249 },
  baseline: { kind: 'champion', version: '3' },
  passed: false,
  reasons: ['ok: accuracy 0.9250 >= floor 0.8000', 'failed: accuracy 0.9250 vs champion v3 0.9500'],
  kind: 'promotion-gate',
  comparedWithVersion: '3',
  createdAt: '2026-01-03T00:00:00.000Z',
};

const cardEvaluation = {
  id: 'e-1',
  testSet: 'validation',
  testSetSha256: DATASET,
  metrics: { n: 4000, accuracy: 0.96975, macroF1: 0.9697 },
  baseline: { kind: 'lexicon', n: 4000, accuracy: 0.72875, macroF1: 0.7213 },
  passed: null,
  reasons: [],
  kind: 'card',
  comparedWithVersion: null,
  createdAt: '2026-01-02T03:04:05.678Z',
};

const dataset = {
  contentSha256: DATASET,
  rows: 40000,
  splits: {
    train: { rows: 32000, labels: { negative: 16000, positive: 16000 } },
    test: { rows: 4000, labels: { negative: 2000, positive: 2000 } },
  },
  source: { kind: 'generated', seed: 42, domains: ['movies'] },
  uri: 'gs://datasets/4f2a6b',
  validationReportUri: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function aliases(revision = 7) {
  return [
    {
      alias: 'champion',
      version: '3',
      revision: 2,
      updatedBy: 'rollout',
      reason: 'canary passed',
      updatedAt: '2026-01-02T00:00:00.000Z',
    },
    {
      alias: 'challenger',
      version: '4',
      revision,
      updatedBy: 'alice',
      reason: 'try it',
      updatedAt: '2026-01-03T00:00:00.000Z',
    },
    {
      alias: 'previous',
      version: null,
      revision: 0,
      updatedBy: null,
      reason: null,
      updatedAt: null,
    },
  ];
}

type Answer = [status: number, body: unknown];

/** The gateway's registry routes: answers keyed by "METHOD path"; the rest is 404. */
async function fakeRegistryGateway(
  answers: Record<string, Answer | ((request: RecordedRequest) => Answer)>,
): Promise<TestServer> {
  return startTestServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      return sendJson(response, 401, { statusCode: 401, message: 'missing bearer token' });
    }
    const answer = answers[`${request.method} ${request.url}`];
    if (!answer) {
      return sendJson(response, 404, { statusCode: 404, message: `Cannot ${request.method}` });
    }
    const [status, body] = typeof answer === 'function' ? answer(request) : answer;
    sendJson(response, status, body);
  });
}

describe('sentimentops models', () => {
  let gateway: TestServer | undefined;
  afterEach(() => gateway?.close());

  const run = (argv: string[], token: string | null = TOKEN) =>
    runMain(argv, {
      env: {
        SENTIMENTOPS_URL: gateway!.url,
        ...(token ? { SENTIMENTOPS_ADMIN_TOKEN: token } : {}),
      },
    });

  describe('list', () => {
    const reply = {
      versions: [
        summary('4', { status: 'challenger', aliases: ['challenger'] }),
        summary('3', {
          status: 'champion',
          aliases: ['champion'],
          metrics: { test: { n: 4000, accuracy: 0.9611, macroF1: 0.96 } },
          createdBy: 'registry',
        }),
      ],
    };

    it('prints a table with the handwritten accuracy, else the first test set', async () => {
      gateway = await fakeRegistryGateway({ 'GET /api/models/sentiment/versions': [200, reply] });
      const result = await run(['models', 'list']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toMatch(
        /│ version │ status\s+│ aliases\s+│ accuracy\s+│ created\s+│ by\s+│/,
      );
      expect(result.stdout).toMatch(
        /│ 4\s+│ challenger │ challenger │ 0\.9250 handwritten │ 2026-01-02T03:04:05Z │ alice\s+│/,
      );
      expect(result.stdout).toMatch(
        /│ 3\s+│ champion\s+│ champion\s+│ 0\.9611 test\s+│ .* │ registry │/,
      );
      expect(gateway.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('prints the reply as it came with --json, for the model given by --model', async () => {
      gateway = await fakeRegistryGateway({ 'GET /api/models/imdb-small/versions': [200, reply] });
      const result = await run(['models', 'list', '--model', 'imdb-small', '--json']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(reply);
    });

    it('says so when there are none', async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/versions': [200, { versions: [] }],
      });
      expect((await run(['models', 'list'])).stdout).toBe('no versions of sentiment\n');
    });

    it('exits 4 without a token, and 2 for a bad model name without asking', async () => {
      gateway = await fakeRegistryGateway({});
      const noToken = await run(['models', 'list'], null);
      expect(noToken.code).toBe(ExitCode.Auth);
      const bad = await run(['models', 'list', '--model', 'Bad_Name']);
      expect(bad.code).toBe(ExitCode.Usage);
      expect(bad.stderr).toContain('expected a model name');
      expect(gateway.requests).toHaveLength(1);
    });
  });

  describe('show', () => {
    it('summarises a version: artifact, files, metrics, evaluations and gate reasons', async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/versions/4': [
          200,
          {
            ...summary('4', { status: 'rejected' }),
            files: {
              'model.onnx': { sha256: 'e'.repeat(64), bytes: 5_767_168 },
              'tokenizer.json': { sha256: 'f'.repeat(64), bytes: 900 },
            },
            card: {},
            evaluations: [gateEvaluation, cardEvaluation],
          },
        ],
      });
      const result = await run(['models', 'show', 'v4']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toContain('sentiment v4\n');
      expect(out).toContain('artifact:    gs://models/sentiment/run-4');
      expect(out).toContain(`card sha256: ${CARD_SHA}`);
      expect(out).toContain('mlflow:      run mlf-run-1, model version 4');
      expect(out).toMatch(/│ model\.onnx\s+│ 5\.5 MiB │ eeeeeeeeeeee │/);
      expect(out).toMatch(/│ tokenizer\.json │ 900 B\s+│ ffffffffffff │/);
      expect(out).toMatch(/│ handwritten │ 120\s+│ 0\.9250\s+│ 0\.9249\s+│/);
      expect(out).toMatch(
        /│ .* │ promotion-gate │ handwritten │ 120\s+│ 0\.9250\s+│ 0\.9249\s+│ champion v3\s+│ failed\s+│/,
      );
      expect(out).toMatch(/│ card\s+│ validation\s+│ .* │ lexicon 0\.7288 │ -\s+│/);
      expect(out).toContain(
        'promotion-gate on handwritten, 2026-01-03T00:00:00Z: failed\n' +
          '  - ok: accuracy 0.9250 >= floor 0.8000\n' +
          '  - failed: accuracy 0.9250 vs champion v3 0.9500\n',
      );
    });

    it('prints the registry message for an unknown version and exits 1', async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/versions/9': [
          404,
          { statusCode: 404, error: 'NOT_FOUND', message: 'sentiment has no version 9' },
        ],
      });
      const result = await run(['models', 'show', '9']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe('error: sentiment has no version 9 (HTTP 404)\n');
    });

    it('refuses a version that is not a number without asking', async () => {
      gateway = await fakeRegistryGateway({});
      const result = await run(['models', 'show', 'latest']);
      expect(result.code).toBe(ExitCode.Usage);
      expect(gateway.requests).toHaveLength(0);
    });
  });

  describe('lineage', () => {
    it("prints a version's dataset, run, evaluations, comparisons and history", async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/versions/4/lineage': [
          200,
          {
            version: summary('4'),
            dataset,
            run: {
              runId: '39899d09',
              mlflowRunId: 'mlf-run-1',
              jobId: 'train-42',
              codeCommit: COMMIT,
              codeDirty: true,
              params: {
                model: { pretrained: null, dim: 128, n_layers: 3 },
                train: { epochs: 4, learning_rate: 0.0005 },
              },
              timings: { elapsedS: 1534.36, device: 'cpu', precision: 'fp32' },
              createdAt: '2026-01-02T03:00:00.000Z',
            },
            evaluations: [gateEvaluation],
            comparedWith: [
              { version: '3', testSet: 'handwritten', passed: false, at: '2026-01-03T00:00:00Z' },
            ],
            history: [
              {
                id: '1',
                actor: 'alice',
                action: 'version.registered',
                reason: null,
                details: {},
                at: '2026-01-02T03:04:05.678Z',
              },
              {
                id: '2',
                actor: 'alice',
                action: 'promotion.rejected',
                reason: 'try it',
                details: {},
                at: '2026-01-03T00:00:00.000Z',
              },
            ],
          },
        ],
      });
      const result = await run(['models', 'lineage', '4']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toContain(`sha256:            ${DATASET}`);
      expect(out).toContain('rows:              40000');
      expect(out).toContain(
        'splits:            train 32000 (negative 16000, positive 16000); test 4000 (negative 2000, positive 2000)',
      );
      expect(out).toContain('source:            kind=generated seed=42');
      expect(out).toContain('run id:        39899d09');
      expect(out).toContain('mlflow run id: mlf-run-1');
      expect(out).toContain(`commit:        ${COMMIT.slice(0, 12)} (uncommitted changes)`);
      expect(out).toContain('job:           train-42');
      expect(out).toContain('params.model:  dim=128 n_layers=3');
      expect(out).toContain('params.train:  epochs=4 learning_rate=0.0005');
      expect(out).toContain('elapsed:       25m 34s');
      expect(out).toMatch(/│ v3\s+│ handwritten │ failed\s+│ 2026-01-03T00:00:00Z │/);
      expect(out).toMatch(/│ 2026-01-02T03:04:05Z │ alice │ version\.registered\s+│ -\s+│/);
      expect(out).toMatch(/│ 2026-01-03T00:00:00Z │ alice │ promotion\.rejected │ try it │/);
    });

    it('follows a dataset to every version trained on it', async () => {
      gateway = await fakeRegistryGateway({
        [`GET /api/datasets/${DATASET}/lineage`]: [
          200,
          { dataset, versions: [summary('4'), summary('1', { modelName: 'imdb' })] },
        ],
      });
      const result = await run(['models', 'lineage', '--dataset', DATASET]);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(`dataset ${DATASET}`);
      expect(result.stdout).toContain('uri:               gs://datasets/4f2a6b');
      expect(result.stdout).toMatch(/│ sentiment │ 4\s+│ registered │/);
      expect(result.stdout).toMatch(/│ imdb\s+│ 1\s+│ registered │/);
    });

    it('wants a version or --dataset, not both', async () => {
      gateway = await fakeRegistryGateway({});
      expect((await run(['models', 'lineage'])).code).toBe(ExitCode.Usage);
      expect((await run(['models', 'lineage', '4', '--dataset', DATASET])).code).toBe(
        ExitCode.Usage,
      );
      expect((await run(['models', 'lineage', '--dataset', 'ABC'])).code).toBe(ExitCode.Usage);
      expect(gateway.requests).toHaveLength(0);
    });
  });

  describe('alias', () => {
    it('lists the aliases with their revisions', async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/aliases': [200, { aliases: aliases() }],
      });
      const result = await run(['models', 'alias']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toMatch(
        /│ champion\s+│ v3\s+│ 2\s+│ rollout\s+│ 2026-01-02T00:00:00Z │ canary passed │/,
      );
      expect(result.stdout).toMatch(/│ previous\s+│ -\s+│ 0\s+│ -\s+│ -\s+│ -\s+│/);
    });

    it('sends the revision it read as expectedRevision, and shows the gate', async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/aliases': [200, { aliases: aliases(7) }],
        'PUT /api/models/sentiment/aliases/challenger': [
          200,
          {
            alias: { ...aliases(8)[1], version: '5' },
            previousVersion: '4',
            gate: { ...gateEvaluation, passed: true, reasons: ['ok: no champion to compare with'] },
          },
        ],
      });
      const result = await run(['models', 'alias', 'challenger', '5', '--reason', 'better']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(gateway.requests[1].body)).toEqual({
        version: '5',
        reason: 'better',
        expectedRevision: 7,
      });
      expect(result.stdout).toContain('challenger: v4 -> v5 (revision 8)');
      expect(result.stdout).toContain('  - ok: no champion to compare with');
    });

    it('removes with --remove and passes --override on', async () => {
      const answer = (request: RecordedRequest): Answer => [
        200,
        { alias: aliases()[1], previousVersion: null, ...JSON.parse(request.body) },
      ];
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/aliases': [200, { aliases: aliases() }],
        'PUT /api/models/sentiment/aliases/challenger': answer,
        'PUT /api/models/sentiment/aliases/champion': answer,
      });
      expect(
        (await run(['models', 'alias', 'challenger', '--remove', '--reason', 'gone'])).code,
      ).toBe(ExitCode.Ok);
      expect(
        (await run(['models', 'alias', 'champion', '4', '--override', '--reason', 'by hand'])).code,
      ).toBe(ExitCode.Ok);
      const puts = gateway.requests
        .filter((r) => r.method === 'PUT')
        .map((r) => JSON.parse(r.body) as unknown);
      expect(puts).toEqual([
        { version: null, reason: 'gone', expectedRevision: 7 },
        { version: '4', reason: 'by hand', override: true, expectedRevision: 2 },
      ]);
    });

    it('explains a 409: someone else changed the alias since it was read', async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/aliases': [200, { aliases: aliases(7) }],
        'PUT /api/models/sentiment/aliases/challenger': [
          409,
          {
            statusCode: 409,
            error: 'CONFLICT',
            message: 'alias "challenger" is at revision 8, not 7: it changed since it was read',
          },
        ],
      });
      const result = await run(['models', 'alias', 'challenger', '5', '--reason', 'mine']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe(
        'error: alias "challenger" is at revision 8, not 7: it changed since it was read (HTTP 409)\n' +
          'challenger was not changed: someone else changed it after it was read at revision 7. ' +
          'Run `sentimentops models alias` to see it now, then decide again.\n',
      );

      const json = await run(['models', 'alias', 'challenger', '5', '--reason', 'mine', '--json']);
      expect(json.stdout).toBe('');
      expect(JSON.parse(json.stderr)).toMatchObject({ error: { exitCode: 1, kind: 'http' } });
    });

    it("prints the gate's reasons when the registry refuses", async () => {
      gateway = await fakeRegistryGateway({
        'GET /api/models/sentiment/aliases': [200, { aliases: aliases() }],
        'PUT /api/models/sentiment/aliases/challenger': [
          400,
          {
            statusCode: 400,
            error: 'FAILED_PRECONDITION',
            message: 'v5 did not pass the promotion gate on "handwritten"',
            details: ['failed: accuracy 0.7000 >= floor 0.8000', 'ok: no champion to compare with'],
          },
        ],
      });
      const result = await run(['models', 'alias', 'challenger', '5', '--reason', 'try']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe(
        'error: v5 did not pass the promotion gate on "handwritten" (HTTP 400)\n' +
          '  - failed: accuracy 0.7000 >= floor 0.8000\n' +
          '  - ok: no champion to compare with\n',
      );
    });

    it.each([
      [['models', 'alias', 'challenger', '5'], '--reason'],
      [['models', 'alias', 'challenger', '--reason', 'why not'], '--remove'],
      [['models', 'alias', 'challenger', '5', '--remove', '--reason', 'both'], '--remove'],
      [['models', 'alias', 'staging', '5', '--reason', 'nope'], 'expected one of'],
      [['models', 'alias', '--reason', 'no alias'], 'name the alias'],
    ])('refuses %j as a usage error without changing anything', async (argv, hint) => {
      gateway = await fakeRegistryGateway({});
      const result = await run(argv);
      expect(result.code).toBe(ExitCode.Usage);
      expect(result.stderr).toContain(hint);
      expect(gateway.requests).toHaveLength(0);
    });
  });

  describe('register', () => {
    const uri = 'gs://models/sentiment/run-5';

    it('registers a new version, sending the optional lineage fields', async () => {
      gateway = await fakeRegistryGateway({
        'POST /api/models/sentiment/versions': [201, { version: summary('5'), created: true }],
      });
      const result = await run([
        'models',
        'register',
        uri,
        '--job-id',
        'train-42',
        '--dataset-uri',
        'gs://datasets/x',
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain('registered sentiment v5');
      expect(JSON.parse(gateway.requests[0].body)).toEqual({
        artifactUri: uri,
        jobId: 'train-42',
        datasetUri: 'gs://datasets/x',
      });
    });

    it('says which version an artifact registered before is', async () => {
      gateway = await fakeRegistryGateway({
        'POST /api/models/sentiment/versions': [200, { version: summary('2'), created: false }],
      });
      const result = await run(['models', 'register', uri]);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain('already registered as v2');
    });

    it('prints what was wrong with the card', async () => {
      gateway = await fakeRegistryGateway({
        'POST /api/models/sentiment/versions': [
          422,
          {
            statusCode: 422,
            error: 'UNPROCESSABLE',
            message: 'model-card.json is not a valid model card: dataset.rows must be an integer',
            details: ['dataset.rows must be an integer', 'code_commit must match'],
          },
        ],
      });
      const result = await run(['models', 'register', uri]);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toContain('not a valid model card');
      expect(result.stderr).toContain('(HTTP 422)\n  - dataset.rows must be an integer\n');
      expect(result.stderr).toContain('  - code_commit must match');
    });

    it('honours an explicit --timeout (it waits 120 s by default)', async () => {
      gateway = await startTestServer((_request, response) => {
        setTimeout(() => sendJson(response, 201, { version: summary('5'), created: true }), 500);
      });
      const result = await run(['models', 'register', uri, '--timeout', '50']);
      expect(result.code).toBe(ExitCode.Unreachable);
      expect(result.stderr).toContain('did not answer within 50 ms');
      expect(REGISTER_TIMEOUT_MS).toBe(120_000);
    });
  });
});
