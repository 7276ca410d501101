import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import {
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestServer,
} from '../testing/cli.testing.js';
import { runMain } from '../testing/run-main.js';
import { CHECK_TIMEOUT_MS, VERDICT_EXIT_CODES } from './drift.command.js';

const TOKEN = 'admin-tok';
const ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const PAGE = '<!doctype html><html><body><h1>Drift report: sentiment v3</h1></body></html>\n';

function report(overrides: object = {}) {
  return {
    id: ID,
    status: 'drift',
    severity: 'alert',
    modelName: 'sentiment',
    modelVersion: '3',
    windowStart: '2026-01-02T02:00:00.000Z',
    windowEnd: '2026-01-02T03:00:00.000Z',
    n: 1200,
    minSamples: 500,
    features: [
      {
        name: 'token_length',
        kind: 'numeric',
        psi: 0.31,
        ks_statistic: 0.21,
        ks_pvalue: 1.2e-9,
        ks_method: 'asymp',
        chi2_statistic: null,
        chi2_pvalue: null,
        p_adjusted: 3.6e-9,
        drifting: true,
      },
      {
        name: 'predicted_label',
        kind: 'categorical',
        psi: 0.02,
        ks_statistic: null,
        ks_pvalue: null,
        ks_method: null,
        chi2_statistic: 1.7,
        chi2_pvalue: 0.19,
        p_adjusted: 0.38,
        drifting: false,
      },
    ],
    quality: { labelled: 40, accuracy: 0.875, estimatedAccuracy: 0.91 },
    trigger: 'manual',
    requestedBy: 'alice',
    createdAt: '2026-01-02T03:00:01.000Z',
    ...overrides,
  };
}

const noDrift = () =>
  report({
    status: 'no-drift',
    severity: null,
    features: report().features.map((f) => ({ ...f, drifting: false })),
  });

const insufficient = () =>
  report({
    status: 'insufficient-data',
    severity: null,
    n: 120,
    features: [],
    quality: { labelled: 0, accuracy: null, estimatedAccuracy: null },
  });

type Answer = [status: number, body: unknown];

/** The gateway's drift routes: answers keyed by "METHOD path"; the rest is 404. */
async function fakeDriftGateway(
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

describe('sentimentops drift', () => {
  let gateway: TestServer | undefined;
  afterEach(() => gateway?.close());

  const run = (argv: string[], options: { token?: string | null; cwd?: string } = {}) => {
    const token = options.token === undefined ? TOKEN : options.token;
    return runMain(argv, {
      env: {
        SENTIMENTOPS_URL: gateway!.url,
        ...(token ? { SENTIMENTOPS_ADMIN_TOKEN: token } : {}),
      },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  };

  describe('check', () => {
    it('prints the verdict, the sample, the feature table and live quality; exits 5 on drift', async () => {
      gateway = await fakeDriftGateway({ 'POST /api/drift/check': [200, report()] });
      const result = await run(['drift', 'check']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.DriftDetected);
      expect(result.code).toBe(5);
      const out = result.stdout;
      expect(out).toContain('sentiment v3: drift (alert)\n');
      expect(out).toContain(`report:  ${ID}\n`);
      expect(out).toContain('window:  2026-01-02T02:00:00Z -> 2026-01-02T03:00:00Z (60 min)\n');
      expect(out).toContain('samples: 1200 (minimum 500)\n');
      expect(out).toContain('trigger: manual by alice, 2026-01-02T03:00:01Z\n');
      expect(out).toMatch(
        /│ feature\s+│ PSI\s+│ KS D\s+│ KS p\s+│ chi2 p │ adjusted p │ drifting │/,
      );
      expect(out).toMatch(
        /│ token_length\s+│ 0\.3100 │ 0\.2100 │ 1\.2e-9 │ -\s+│ 3\.6e-9\s+│ yes\s+│/,
      );
      expect(out).toMatch(/│ predicted_label │ 0\.0200 │ -\s+│ -\s+│ 0\.1900 │ 0\.3800\s+│ no\s+│/);
      expect(out).toContain(
        'live quality\nlabelled:           40\naccuracy:           0.8750\n' +
          'estimated accuracy: 0.9100\n',
      );
      expect(JSON.parse(gateway.requests[0].body)).toEqual({ modelName: 'sentiment' });
    });

    it('exits 0 when there is no drift', async () => {
      gateway = await fakeDriftGateway({ 'POST /api/drift/check': [200, noDrift()] });
      const result = await run(['drift', 'check']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain('sentiment v3: no-drift\n');
    });

    it('exits 6 when the window holds too few predictions for a verdict', async () => {
      gateway = await fakeDriftGateway({ 'POST /api/drift/check': [200, insufficient()] });
      const result = await run(['drift', 'check']);
      expect(result.code).toBe(ExitCode.InsufficientData);
      expect(result.code).toBe(6);
      expect(result.stdout).toContain('samples: 120 (minimum 500): too few for a verdict\n');
      expect(result.stdout).toContain('no features compared\n');
      expect(result.stdout).toContain('accuracy:           -\n');
    });

    it('exits 1 for a status it does not know', async () => {
      gateway = await fakeDriftGateway({
        'POST /api/drift/check': [200, report({ status: 'paused', severity: null })],
      });
      expect((await run(['drift', 'check'])).code).toBe(ExitCode.Failed);
      expect(VERDICT_EXIT_CODES).toEqual({ 'no-drift': 0, drift: 5, 'insufficient-data': 6 });
    });

    it('sends model, version and window, and prints the report as it came with --json', async () => {
      gateway = await fakeDriftGateway({ 'POST /api/drift/check': [200, report()] });
      const result = await run([
        'drift',
        'check',
        '--model',
        'imdb-small',
        '--model-version',
        'v12',
        '--window',
        '90',
        '--json',
      ]);
      // --json changes what is printed, not the verdict a script branches on.
      expect(result.code).toBe(ExitCode.DriftDetected);
      expect(JSON.parse(result.stdout)).toEqual(report());
      expect(JSON.parse(gateway.requests[0].body)).toEqual({
        modelName: 'imdb-small',
        version: '12',
        windowMinutes: 90,
      });
    });

    it.each([
      [['--model', 'Bad_Name'], 'expected a model name'],
      [['--model-version', 'latest'], 'expected a version number'],
      [['--window', '0'], 'expected a window in minutes'],
      [['--window', '10081'], 'expected a window in minutes'],
      [['--window', '1.5'], 'expected a window in minutes'],
    ])('refuses %j as a usage error without asking', async (args, message) => {
      gateway = await fakeDriftGateway({});
      const result = await run(['drift', 'check', ...args]);
      expect(result.code).toBe(ExitCode.Usage);
      expect(result.stderr).toContain(message);
      expect(gateway.requests).toHaveLength(0);
    });

    it("prints the gateway's refusal with its details and exits 1", async () => {
      gateway = await fakeDriftGateway({
        'POST /api/drift/check': [
          400,
          {
            statusCode: 400,
            error: 'FAILED_PRECONDITION',
            message: 'sentiment v3 has no reference profile',
            details: ['register a model directory with reference-profile.json'],
          },
        ],
      });
      const result = await run(['drift', 'check']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe(
        'error: sentiment v3 has no reference profile (HTTP 400)\n' +
          '  - register a model directory with reference-profile.json\n',
      );
    });

    it('exits 3 when the drift app does not answer in time (504), 4 without a token', async () => {
      gateway = await fakeDriftGateway({
        'POST /api/drift/check': [
          504,
          { statusCode: 504, error: 'DEADLINE_EXCEEDED', message: 'no reply within 60000 ms' },
        ],
      });
      const late = await run(['drift', 'check']);
      expect(late.code).toBe(ExitCode.Failed);
      expect(late.stderr).toContain('no reply within 60000 ms (HTTP 504)');
      expect((await run(['drift', 'check'], { token: null })).code).toBe(ExitCode.Auth);
    });

    it('honours an explicit --timeout (it waits 90 s by default)', async () => {
      gateway = await startTestServer((_request, response) => {
        setTimeout(() => sendJson(response, 200, report()), 500);
      });
      const result = await run(['drift', 'check', '--timeout', '50']);
      expect(result.code).toBe(ExitCode.Unreachable);
      expect(result.stderr).toContain('did not answer within 50 ms');
      expect(CHECK_TIMEOUT_MS).toBe(90_000);
    });
  });

  describe('report', () => {
    it('prints a stored report like check, and exits 0 whatever its verdict', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}`]: [200, { report: report(), bins: {} }],
      });
      const result = await run(['drift', 'report', ID]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain('sentiment v3: drift (alert)\n');
      expect(result.stdout).toMatch(/│ token_length\s+│ 0\.3100 │/);
      expect(gateway.requests[0].headers.accept).toBe('application/json');
    });

    it('prints the reply as it came with --json', async () => {
      const reply = { report: report(), bins: { predicted_label: { kind: 'categorical' } } };
      gateway = await fakeDriftGateway({ [`GET /api/drift/reports/${ID}`]: [200, reply] });
      const result = await run(['drift', 'report', ID, '--json']);
      expect(JSON.parse(result.stdout)).toEqual(reply);
    });

    it('writes the HTML page to a file, relative to the working directory', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}?format=html`]: [
          200,
          { report: report(), bins: {}, html: PAGE },
        ],
      });
      const cwd = mkdtempSync(join(tmpdir(), 'drift-html-'));
      const result = await run(['drift', 'report', ID.toUpperCase(), '--html', 'out.html'], {
        cwd,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(readFileSync(join(cwd, 'out.html'), 'utf8')).toBe(PAGE);
      expect(result.stdout).toBe(
        `wrote report ${ID} (drift) to ${join(cwd, 'out.html')} (${PAGE.length} B)\n`,
      );
    });

    it('with --json, says where the page went instead of printing it', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}?format=html`]: [
          200,
          { report: report(), bins: {}, html: PAGE },
        ],
      });
      const cwd = mkdtempSync(join(tmpdir(), 'drift-html-'));
      const result = await run(['drift', 'report', ID, '--html', 'r.html', '--json'], { cwd });
      expect(JSON.parse(result.stdout)).toEqual({
        report: report(),
        htmlFile: join(cwd, 'r.html'),
        bytes: PAGE.length,
      });
    });

    it('writes the page to stdout with --html -', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}?format=html`]: [
          200,
          { report: report(), bins: {}, html: PAGE },
        ],
      });
      const result = await run(['drift', 'report', ID, '--html', '-']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toBe(PAGE);
      expect((await run(['drift', 'report', ID, '--html', '-', '--json'])).code).toBe(
        ExitCode.Usage,
      );
    });

    it('exits 1 when the file cannot be written', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}?format=html`]: [
          200,
          { report: report(), bins: {}, html: PAGE },
        ],
      });
      const cwd = mkdtempSync(join(tmpdir(), 'drift-html-'));
      const result = await run(['drift', 'report', ID, '--html', 'no/such/dir/r.html'], { cwd });
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toContain(`cannot write ${join(cwd, 'no/such/dir/r.html')}`);
    });

    it('exits 1 when the gateway sends no page', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}?format=html`]: [200, { report: report(), bins: {} }],
      });
      const cwd = mkdtempSync(join(tmpdir(), 'drift-html-'));
      const result = await run(['drift', 'report', ID, '--html', 'r.html'], { cwd });
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toContain('unexpected body (expected html)');
    });

    it('prints the refusal of an unknown report, and refuses a malformed id without asking', async () => {
      gateway = await fakeDriftGateway({
        [`GET /api/drift/reports/${ID}`]: [
          404,
          { statusCode: 404, error: 'NOT_FOUND', message: `no drift report ${ID}` },
        ],
      });
      const missing = await run(['drift', 'report', ID]);
      expect(missing.code).toBe(ExitCode.Failed);
      expect(missing.stderr).toBe(`error: no drift report ${ID} (HTTP 404)\n`);
      const bad = await run(['drift', 'report', '42']);
      expect(bad.code).toBe(ExitCode.Usage);
      expect(bad.stderr).toContain('expected a report id');
      expect(gateway.requests).toHaveLength(1);
    });
  });

  describe('reports', () => {
    it('lists the reports of a model, newest first as they came', async () => {
      gateway = await fakeDriftGateway({
        'GET /api/drift/reports?model=sentiment': [
          200,
          {
            reports: [
              report(),
              { ...noDrift(), id: 'a1', trigger: 'schedule', requestedBy: 'drift' },
              { ...insufficient(), id: 'b2', modelVersion: '2' },
            ],
          },
        ],
      });
      const result = await run(['drift', 'reports']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toMatch(
        /│ created\s+│ id\s+│ version │ window │ n\s+│ status\s+│ drifting\s+│ trigger\s+│/,
      );
      expect(out).toMatch(
        new RegExp(
          `│ 2026-01-02T03:00:01Z │ ${ID} │ v3\\s+│ 60 min │ 1200 │ drift \\(alert\\)\\s+│ token_length │ manual by alice\\s+│`,
        ),
      );
      expect(out).toMatch(/│ a1\s+│ v3\s+│ 60 min │ 1200 │ no-drift\s+│ -\s+│ schedule by drift │/);
      expect(out).toMatch(/│ b2\s+│ v2\s+│ 60 min │ 120\s+│ insufficient-data │ -\s+│/);
    });

    it('passes --model and --limit, and prints the reply with --json', async () => {
      const reply = { reports: [report()] };
      gateway = await fakeDriftGateway({
        'GET /api/drift/reports?model=imdb-small&limit=5': [200, reply],
      });
      const result = await run([
        'drift',
        'reports',
        '--model',
        'imdb-small',
        '--limit',
        '5',
        '--json',
      ]);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(reply);
    });

    it('says so when there are none, and refuses a bad --limit', async () => {
      gateway = await fakeDriftGateway({
        'GET /api/drift/reports?model=sentiment': [200, { reports: [] }],
      });
      expect((await run(['drift', 'reports'])).stdout).toBe('no drift reports for sentiment\n');
      const bad = await run(['drift', 'reports', '--limit', '501']);
      expect(bad.code).toBe(ExitCode.Usage);
      expect(bad.stderr).toContain('expected a number of reports, 1 to 500');
    });
  });
});
