import { ExitCode } from '../exit-codes.js';
import { MAX_MISSED_POLLS } from '../pipelines/pipelines.follow.js';
import {
  type RecordedRequest,
  sendJson,
  startTestServer,
  type TestServer,
} from '../testing/cli.testing.js';
import { runMain } from '../testing/run-main.js';
import { ROLLOUT_EXIT_CODES } from './rollout.command.js';

const TOKEN = 'admin-tok';
const ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const OTHER = '0b7e9a11-2c3d-4e5f-8a9b-0c1d2e3f4a5b';

type Rollout = Record<string, unknown>;

function rollout(overrides: Rollout = {}): Rollout {
  return {
    id: ID,
    modelName: 'sentiment',
    version: '4',
    championVersion: '3',
    state: 'progressing',
    mode: 'canary',
    steps: [5, 25, 50, 100],
    stepIndex: 0,
    weight: 5,
    mirrorPercent: 10,
    sticky: false,
    intervalSeconds: 60,
    failedChecks: 0,
    failureThreshold: 3,
    revision: 1,
    createdBy: 'alice',
    reason: 'retrained on new feedback',
    createdAt: '2026-01-02T03:00:00.000Z',
    updatedAt: '2026-01-02T03:00:00.000Z',
    nextCheckAt: '2026-01-02T03:01:00.000Z',
    finishedAt: null,
    checks: [],
    ...overrides,
  };
}

function check(at: string, stepIndex: number, weight: number, verdict: string, reasons: string[]) {
  return { at, stepIndex, weight, verdict, reasons, metrics: {} };
}

const PASS_1 = check('2026-01-02T03:01:00.000Z', 0, 5, 'pass', [
  'challenger error rate 0.0% <= 1.0%',
  'agreement 98.5% >= 95.0%',
]);
const FAIL_2 = check('2026-01-02T03:02:00.000Z', 1, 25, 'fail', [
  'challenger p99 latency 180 ms > 150 ms',
]);
const INCONCLUSIVE_3 = check('2026-01-02T03:03:00.000Z', 1, 25, 'inconclusive', [
  'only 3 challenger requests (at least 50)',
]);

type Answer = [status: number, body: unknown];

/** The gateway's rollout routes: answers keyed by "METHOD path"; the rest is 404. */
async function fakeRolloutGateway(
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

/** Answers each call with the next of `answers`, then keeps answering the last. */
function sequence(...answers: Answer[]): () => Answer {
  let i = 0;
  return () => answers[Math.min(i++, answers.length - 1)];
}

const ok = (body: unknown): Answer => [200, body];
const CURRENT = 'GET /api/rollouts/current?model=sentiment';

describe('sentimentops rollout', () => {
  let gateway: TestServer | undefined;
  afterEach(() => gateway?.close());

  const cli = (argv: string[]) =>
    runMain(argv, { env: { SENTIMENTOPS_URL: gateway!.url, SENTIMENTOPS_ADMIN_TOKEN: TOKEN } });

  describe('start', () => {
    it('starts a rollout with the options given and prints where it stands', async () => {
      gateway = await fakeRolloutGateway({
        'POST /api/rollouts': [201, rollout({ sticky: true })],
      });
      const result = await cli([
        'rollout',
        'start',
        'v4',
        '--steps',
        '5,25,50,100',
        '--interval',
        '60',
        '--mode',
        'canary',
        '--sticky',
        '--reason',
        'retrained on new feedback',
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toBe(
        `started rollout ${ID} of sentiment v4: progressing, step 1/4 at 5%, failed checks 0/3\n` +
          'follow it: sentimentops rollout status --watch\n',
      );
      expect(JSON.parse(gateway.requests[0].body)).toEqual({
        modelName: 'sentiment',
        version: '4',
        steps: [5, 25, 50, 100],
        intervalSeconds: 60,
        mode: 'canary',
        sticky: true,
        reason: 'retrained on new feedback',
      });
    });

    it('sends only the version (and model) when nothing else is given; --json prints the reply', async () => {
      gateway = await fakeRolloutGateway({ 'POST /api/rollouts': [201, rollout()] });
      const result = await cli(['rollout', 'start', '4', '--model', 'sentiment', '--json']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(rollout());
      expect(JSON.parse(gateway.requests[0].body)).toEqual({
        modelName: 'sentiment',
        version: '4',
      });
    });

    it.each([
      [[], "missing required argument 'version'"],
      [['four'], 'expected a version number such as 4 (or v4)'],
      [['4', '--steps', '25,5,100'], 'expected percents such as 5,25,50,100'],
      [['4', '--steps', '5,25,50'], 'expected percents such as 5,25,50,100'],
      [['4', '--steps', '0,100'], 'expected percents such as 5,25,50,100'],
      [['4', '--steps', '5,x,100'], 'expected percents such as 5,25,50,100'],
      [['4', '--interval', '0'], 'expected a number of seconds, 1 to 86400'],
      [['4', '--mode', 'blue-green'], 'expected one of canary, shadow'],
      [['4', '--reason', 'no'], 'expected a reason of 3 to 1000 characters'],
      [['4', '--model', 'Sentiment'], 'expected a model name'],
    ])('refuses %j as a usage error without asking', async (args, message) => {
      gateway = await fakeRolloutGateway({});
      const result = await cli(['rollout', 'start', ...args]);
      expect(result.code).toBe(ExitCode.Usage);
      expect(result.stderr).toContain(message);
      expect(gateway.requests).toHaveLength(0);
    });

    it("prints the gateway's refusal with its details and exits 1", async () => {
      gateway = await fakeRolloutGateway({
        'POST /api/rollouts': [
          400,
          {
            statusCode: 400,
            error: 'FAILED_PRECONDITION',
            message: 'version 4 is not the challenger',
            details: ['the challenger is v5'],
          },
        ],
      });
      const result = await cli(['rollout', 'start', '4']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe(
        'error: version 4 is not the challenger (HTTP 400)\n  - the challenger is v5\n',
      );
    });
  });

  describe('status', () => {
    it('prints state, traffic, failed checks, next check and the checks with their reasons', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: ok(
          rollout({
            stepIndex: 1,
            weight: 25,
            failedChecks: 1,
            sticky: true,
            checks: [FAIL_2, PASS_1],
          }),
        ),
      });
      const result = await cli(['rollout', 'status']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toContain(
        `rollout ${ID}: progressing\n` +
          'model:         sentiment v4 (champion v3)\n' +
          "mode:          canary, mirror 10% of the champion's batches, sticky (by x-sentimentops-routing-key)\n" +
          'traffic:       [#####---------------] 25% to the challenger, step 2/4 (5%, 25%, 50%, 100%)\n' +
          'failed checks: 1/3 (3 roll it back)\n' +
          'next check:    2026-01-02T03:01:00Z (every 1m)\n' +
          'created:       2026-01-02T03:00:00Z by alice\n' +
          'reason:        retrained on new feedback\n' +
          'updated:       2026-01-02T03:00:00Z\n' +
          'finished:      -\n' +
          '\nchecks\n',
      );
      expect(out).toMatch(/│ at\s+│ step │ weight │ verdict │ reasons\s+│/);
      expect(out).toMatch(
        /│ 2026-01-02T03:02:00Z │ 2\/4\s+│ 25%\s+│ fail\s+│ challenger p99 latency 180 ms > 150 ms\s+│/,
      );
      expect(out).toMatch(
        /│ 2026-01-02T03:01:00Z │ 1\/4\s+│ 5%\s+│ pass\s+│ challenger error rate 0\.0% <= 1\.0%\s+│/,
      );
      expect(out).toMatch(/│\s+│\s+│\s+│\s+│ agreement 98\.5% >= 95\.0%\s+│/);
      expect(out.indexOf('03:02:00Z')).toBeLessThan(out.indexOf('03:01:00Z │'));
    });

    it('shows a shadow rollout, and a paused one without a next check', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: ok(rollout({ mode: 'shadow', weight: 0, mirrorPercent: 100, state: 'paused' })),
      });
      const result = await cli(['rollout', 'status']);
      expect(result.stdout).toContain('mode:          shadow\n');
      expect(result.stdout).toContain(
        'traffic:       shadow: clients see the champion, the challenger scores a copy of every batch; step 1/4',
      );
      expect(result.stdout).toContain('next check:    none while paused\n');
      expect(result.stdout).toContain('\nchecks\nnone yet\n');
    });

    it('exits 0 for an ended rollout, with why it ended', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: ok(
          rollout({
            state: 'rolled-back',
            weight: 0,
            failedChecks: 3,
            reason: 'agreement 61.0% < 95.0% in 3 checks',
            finishedAt: '2026-01-02T03:05:00.000Z',
            checks: [FAIL_2],
          }),
        ),
      });
      const result = await cli(['rollout', 'status']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(`rollout ${ID}: rolled-back\n`);
      expect(result.stdout).toContain('reason:        agreement 61.0% < 95.0% in 3 checks\n');
      expect(result.stdout).toContain('next check:    -\n');
      expect(result.stdout).toContain('finished:      2026-01-02T03:05:00Z\n');
    });

    it('shows the registry change an ended rollout still owes, with the last error', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: ok(
          rollout({
            state: 'promoted',
            weight: 0,
            finishedAt: '2026-01-02T03:05:00.000Z',
            registryPending: 'promote',
            registryError: 'registry did not answer (no responders)',
          }),
        ),
      });
      const result = await cli(['rollout', 'status']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(
        'registry:      owes "champion := v4", asked again every interval ' +
          '(last error: registry did not answer (no responders))\n',
      );
    });

    it('has no registry line once the registry took the change', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: ok(rollout({ state: 'rolled-back', registryPending: null })),
      });
      const result = await cli(['rollout', 'status']);
      expect(result.stdout).not.toContain('registry:');
    });

    it('prints the reply as it came with --json, and reads --model', async () => {
      gateway = await fakeRolloutGateway({
        'GET /api/rollouts/current?model=other': ok(rollout({ modelName: 'other' })),
      });
      const result = await cli(['rollout', 'status', '--model', 'other', '--json']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(rollout({ modelName: 'other' }));
    });

    it('exits 1 when the model never had a rollout', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: [
          404,
          { statusCode: 404, error: 'NOT_FOUND', message: 'model sentiment has no rollout' },
        ],
      });
      const result = await cli(['rollout', 'status']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe('error: model sentiment has no rollout (HTTP 404)\n');
    });
  });

  describe('status --watch', () => {
    const watch = (extra: string[] = []) =>
      cli(['rollout', 'status', '--watch', '--poll', '10', ...extra]);

    it('prints each check and each move, then the rollout; exits 0 when promoted', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: sequence(
          ok(rollout()),
          ok(rollout()),
          ok(
            rollout({
              stepIndex: 1,
              weight: 25,
              updatedAt: '2026-01-02T03:01:00.000Z',
              checks: [PASS_1],
            }),
          ),
          ok(
            rollout({
              stepIndex: 1,
              weight: 25,
              updatedAt: '2026-01-02T03:03:00.000Z',
              checks: [INCONCLUSIVE_3, FAIL_2, PASS_1],
              failedChecks: 1,
            }),
          ),
          ok(
            rollout({
              state: 'promoted',
              stepIndex: 3,
              weight: 100,
              failedChecks: 1,
              reason: 'every step passed',
              updatedAt: '2026-01-02T03:06:00.000Z',
              finishedAt: '2026-01-02T03:06:00.000Z',
              checks: [INCONCLUSIVE_3, FAIL_2, PASS_1],
            }),
          ),
        ),
      });
      const result = await watch();
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(
        `following rollout ${ID} (Ctrl-C stops following, not the rollout)\n` +
          '2026-01-02T03:00:00Z progressing, step 1/4 at 5%, failed checks 0/3\n' +
          '2026-01-02T03:01:00Z check pass at 5%: challenger error rate 0.0% <= 1.0%; agreement 98.5% >= 95.0%\n' +
          '2026-01-02T03:01:00Z progressing, step 2/4 at 25%, failed checks 0/3\n' +
          '2026-01-02T03:02:00Z check fail at 25%: challenger p99 latency 180 ms > 150 ms\n' +
          '2026-01-02T03:03:00Z check inconclusive at 25%: only 3 challenger requests (at least 50)\n' +
          '2026-01-02T03:03:00Z progressing, step 2/4 at 25%, failed checks 1/3\n' +
          '2026-01-02T03:06:00Z promoted, every step passed\n' +
          '\n' +
          `rollout ${ID}: promoted\n`,
      );
    });

    it('exits 10 when the rollout is rolled back, and prints only it with --json', async () => {
      const final = rollout({
        state: 'rolled-back',
        weight: 0,
        reason: 'agreement too low',
        finishedAt: '2026-01-02T03:05:00.000Z',
      });
      gateway = await fakeRolloutGateway({ [CURRENT]: sequence(ok(rollout()), ok(final)) });
      const result = await watch(['--json']);
      expect(result.code).toBe(ExitCode.RolloutRolledBack);
      expect(result.code).toBe(10);
      expect(JSON.parse(result.stdout)).toEqual(final);
    });

    it('ends at once for a rollout that has already ended, exiting by how it ended', async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: ok(rollout({ state: 'promoted', finishedAt: '2026-01-02T03:05:00.000Z' })),
      });
      const result = await watch();
      expect(result.code).toBe(ExitCode.Ok);
      expect(gateway.requests).toHaveLength(1);
    });

    it('finds the followed rollout in the list once another one is current', async () => {
      const ended = rollout({ state: 'rolled-back', finishedAt: '2026-01-02T03:05:00.000Z' });
      gateway = await fakeRolloutGateway({
        [CURRENT]: sequence(ok(rollout()), ok(rollout({ id: OTHER, version: '5' }))),
        'GET /api/rollouts?model=sentiment&limit=20': ok({
          rollouts: [rollout({ id: OTHER, version: '5' }), ended],
        }),
      });
      const result = await watch();
      expect(result.code).toBe(ExitCode.RolloutRolledBack);
      expect(result.stdout).toContain(`rollout ${ID}: rolled-back\n`);
    });

    it('keeps following through a gateway briefly away, with one warning', async () => {
      const away: Answer = [503, { statusCode: 503, message: 'no trainer-controller answers' }];
      gateway = await fakeRolloutGateway({
        [CURRENT]: sequence(
          ok(rollout()),
          away,
          away,
          ok(rollout({ state: 'promoted', finishedAt: '2026-01-02T03:05:00.000Z' })),
        ),
      });
      const result = await watch();
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stderr).toBe(
        `warning: no trainer-controller answers (HTTP 503); still following rollout ${ID}\n`,
      );
    });

    it(`gives up after ${MAX_MISSED_POLLS} failed polls in a row`, async () => {
      gateway = await fakeRolloutGateway({
        [CURRENT]: sequence(ok(rollout()), [504, { statusCode: 504, message: 'no reply' }]),
      });
      const result = await watch();
      expect(result.code).toBe(ExitCode.Failed);
      expect(gateway.requests).toHaveLength(1 + MAX_MISSED_POLLS);
    });

    it('maps every known end state to an exit code', () => {
      expect(ROLLOUT_EXIT_CODES).toEqual({ promoted: 0, 'rolled-back': 10 });
    });
  });

  describe('list', () => {
    it('prints a row per rollout: short id, version, state, mode, traffic, failed checks, times', async () => {
      gateway = await fakeRolloutGateway({
        'GET /api/rollouts?model=sentiment': ok({
          rollouts: [
            rollout({ stepIndex: 1, weight: 25, failedChecks: 1 }),
            rollout({
              id: OTHER,
              version: '2',
              state: 'promoted',
              mode: 'shadow',
              weight: 0,
              stepIndex: 3,
              createdBy: 'trainer-controller',
              finishedAt: '2026-01-01T05:00:00.000Z',
            }),
          ],
        }),
      });
      const result = await cli(['rollout', 'list']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toMatch(
        /│ id\s+│ version │ state\s+│ mode\s+│ traffic\s+│ failed │ created\s+│ by\s+│ finished\s+│/,
      );
      expect(out).toMatch(
        /│ 6f1c2b3a │ v4\s+│ progressing │ canary │ 25%, step 2\/4\s+│ 1\/3\s+│ 2026-01-02T03:00:00Z │ alice\s+│ -\s+│/,
      );
      expect(out).toMatch(
        /│ 0b7e9a11 │ v2\s+│ promoted\s+│ shadow │ shadow, step 4\/4 │ 0\/3\s+│ 2026-01-02T03:00:00Z │ trainer-controller │ 2026-01-01T05:00:00Z │/,
      );
    });

    it('passes --limit, prints the reply with --json, and says when there are none', async () => {
      gateway = await fakeRolloutGateway({
        'GET /api/rollouts?model=sentiment&limit=5': ok({ rollouts: [rollout()] }),
        'GET /api/rollouts?model=sentiment': ok({ rollouts: [] }),
      });
      const json = await cli(['rollout', 'list', '--limit', '5', '--json']);
      expect(JSON.parse(json.stdout)).toEqual({ rollouts: [rollout()] });
      expect((await cli(['rollout', 'list'])).stdout).toBe('no rollouts of sentiment yet\n');
      expect((await cli(['rollout', 'list', '--limit', '501'])).code).toBe(ExitCode.Usage);
    });
  });

  describe.each([
    ['pause', 'paused', { state: 'paused' }, 'paused, step 1/4 at 5%, failed checks 0/3'],
    ['resume', 'resumed', {}, 'progressing, step 1/4 at 5%, failed checks 0/3'],
    [
      'promote',
      'promoted',
      { state: 'promoted', weight: 100, reason: 'promoted by alice' },
      'promoted, promoted by alice',
    ],
    [
      'rollback',
      'rolled back',
      { state: 'rolled-back', weight: 0, reason: 'latency' },
      'rolled-back, latency',
    ],
  ])('%s', (action, done, after, summary) => {
    it('acts on the current rollout with the reason and prints where it stands now', async () => {
      gateway = await fakeRolloutGateway({
        [`POST /api/rollouts/current/${action}`]: ok(rollout(after)),
      });
      const result = await cli(['rollout', action, '--reason', 'dashboards look off']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toBe(`${done} rollout ${ID} of sentiment v4: ${summary}\n`);
      expect(JSON.parse(gateway.requests[0].body)).toEqual({
        modelName: 'sentiment',
        reason: 'dashboards look off',
      });
    });

    it('needs no reason; --json prints the reply', async () => {
      gateway = await fakeRolloutGateway({
        [`POST /api/rollouts/current/${action}`]: ok(rollout(after)),
      });
      const result = await cli(['rollout', action, '--json']);
      expect(JSON.parse(result.stdout)).toEqual(rollout(after));
      expect(JSON.parse(gateway.requests[0].body)).toEqual({ modelName: 'sentiment' });
    });

    it("prints the controller's refusal and exits 1", async () => {
      gateway = await fakeRolloutGateway({
        [`POST /api/rollouts/current/${action}`]: [
          404,
          { statusCode: 404, error: 'NOT_FOUND', message: 'no active rollout of sentiment' },
        ],
      });
      const result = await cli(['rollout', action]);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe('error: no active rollout of sentiment (HTTP 404)\n');
    });
  });

  it('needs the admin token (exit 4)', async () => {
    gateway = await fakeRolloutGateway({});
    const result = await runMain(['rollout', 'status'], {
      env: { SENTIMENTOPS_URL: gateway.url, SENTIMENTOPS_ADMIN_TOKEN: 'wrong' },
    });
    expect(result.code).toBe(ExitCode.Auth);
  });
});
