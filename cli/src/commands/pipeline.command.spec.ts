import { ExitCode } from '../exit-codes.js';
import { MAX_MISSED_POLLS } from '../pipelines/pipelines.follow.js';
import {
  type RecordedRequest,
  sendJson,
  startTestServer,
  stripAnsi,
  type TestServer,
} from '../testing/cli.testing.js';
import { runMain } from '../testing/run-main.js';
import { RUN_EXIT_CODES } from './pipeline.command.js';

const TOKEN = 'admin-tok';
const ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const OTHER = '6f1c9999-0000-4000-8000-000000000000';
const SHA = 'ab'.repeat(32);
const TEST_SHA = 'cd'.repeat(32);

type Run = Record<string, unknown>;

function run(overrides: Run = {}): Run {
  return {
    id: ID,
    state: 'pending',
    trigger: 'manual',
    reason: 'two weeks of new feedback',
    requestedBy: 'alice',
    failedStep: null,
    error: null,
    progress: null,
    outputs: {},
    joinedTriggers: 0,
    createdAt: '2026-01-02T03:00:00.000Z',
    updatedAt: '2026-01-02T03:00:00.000Z',
    finishedAt: null,
    ...overrides,
  };
}

const OUTPUTS = {
  collected: {
    rows: 250,
    after: 1000,
    upTo: 1250,
    inboxFiles: 2,
    file: '/runs/x/feedback.jsonl',
  },
  dataset: {
    base: { kind: 'run', run: 'abcdef12-0000-4000-8000-000000000000', sha256: 'ef'.repeat(32) },
    snapshot: { snapshot: SHA, rows: 40250, parents: [], uri: 'file:///store/x' },
    path: '/runs/x/dataset',
  },
  validation: {
    report: '/runs/x/validation-report.json',
    summary: {
      content_sha256: SHA,
      success: true,
      statistics: { evaluated_expectations: 12, successful_expectations: 12 },
    },
  },
  model: '/runs/x/model',
  evaluation: {
    testSet: { name: 'test', sha256: TEST_SHA },
    candidate: { n: 4000, accuracy: 0.9125, macro_f1: 0.912 },
    champion: { version: '3', n: 4000, accuracy: 0.9, macro_f1: 0.8991 },
  },
  registered: {
    version: '4',
    gate: { passed: true, testSet: 'handwritten', reasons: ['accuracy 0.95 >= 0.90'] },
  },
};

const progress = (step: number, epoch: number) => ({
  epoch,
  epochs: 3,
  step,
  totalSteps: 900,
  stepsPerSecond: 41.5,
  etaSeconds: (900 - step) / 41.5,
  message: `epoch ${epoch}/3 step ...`,
  job: 'train',
});

/** The states a run that succeeds goes through, as GET answers them one poll after another. */
const SUCCEEDING = [
  run({ state: 'collecting', updatedAt: '2026-01-02T03:00:01.000Z' }),
  run({ state: 'building-dataset', updatedAt: '2026-01-02T03:00:02.000Z' }),
  run({ state: 'training', updatedAt: '2026-01-02T03:01:00.000Z' }),
  run({ state: 'training', progress: progress(90, 1), updatedAt: '2026-01-02T03:01:05.000Z' }),
  run({ state: 'training', progress: progress(100, 1), updatedAt: '2026-01-02T03:01:06.000Z' }),
  run({ state: 'training', progress: progress(450, 2), updatedAt: '2026-01-02T03:01:15.000Z' }),
  run({ state: 'training', progress: progress(899, 3), updatedAt: '2026-01-02T03:01:25.000Z' }),
  run({ state: 'evaluating', updatedAt: '2026-01-02T03:02:00.000Z' }),
  run({
    state: 'succeeded',
    outputs: OUTPUTS,
    updatedAt: '2026-01-02T03:03:00.000Z',
    finishedAt: '2026-01-02T03:03:00.000Z',
  }),
];

type Answer = [status: number, body: unknown];

/** The gateway's pipeline routes: answers keyed by "METHOD path"; the rest is 404. */
async function fakePipelineGateway(
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

/** Answers each GET with the next of `answers`, then keeps answering the last. */
function sequence(...answers: Answer[]): () => Answer {
  let i = 0;
  return () => answers[Math.min(i++, answers.length - 1)];
}

const ok = (body: unknown): Answer => [200, body];

describe('sentimentops pipeline', () => {
  let gateway: TestServer | undefined;
  afterEach(() => gateway?.close());

  const cli = (argv: string[], options: { tty?: boolean } = {}) =>
    runMain(argv, {
      env: { SENTIMENTOPS_URL: gateway!.url, SENTIMENTOPS_ADMIN_TOKEN: TOKEN },
      tty: options.tty,
    });
  const gets = () => gateway!.requests.filter((r) => r.method === 'GET');

  describe('run', () => {
    it('starts a run with the reason and prints its id and state', async () => {
      gateway = await fakePipelineGateway({
        'POST /api/pipelines': [202, { ...run(), created: true }],
      });
      const result = await cli(['pipeline', 'run', '--reason', 'two weeks of new feedback']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toBe(
        `started pipeline run ${ID} (pending)\n` +
          `follow it: sentimentops pipeline status ${ID} --watch\n`,
      );
      expect(JSON.parse(gateway.requests[0].body)).toEqual({
        reason: 'two weeks of new feedback',
      });
    });

    it('says so when the trigger joined the active run', async () => {
      gateway = await fakePipelineGateway({
        'POST /api/pipelines': [
          202,
          { ...run({ state: 'training', joinedTriggers: 2 }), created: false },
        ],
      });
      const result = await cli(['pipeline', 'run', '--reason', 'again please']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toContain(
        `joined the active run ${ID} (training; 2 trigger(s) joined it so far)\n`,
      );
    });

    it('prints the reply as it came with --json', async () => {
      const reply = { ...run(), created: true };
      gateway = await fakePipelineGateway({ 'POST /api/pipelines': [202, reply] });
      const result = await cli(['pipeline', 'run', '--reason', 'because', '--json']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(reply);
    });

    it.each([
      [[], "required option '--reason <text>'"],
      [['--reason', 'no'], 'expected a reason of 3 to 1000 characters'],
      [['--reason', 'x'.repeat(1001)], 'expected a reason of 3 to 1000 characters'],
      [['--reason', 'because', '--interval', '5'], 'expected an interval in milliseconds'],
    ])('refuses %j as a usage error without asking', async (args, message) => {
      gateway = await fakePipelineGateway({});
      const result = await cli(['pipeline', 'run', ...args]);
      expect(result.code).toBe(ExitCode.Usage);
      expect(result.stderr).toContain(message);
      expect(gateway.requests).toHaveLength(0);
    });

    it("prints the gateway's refusal and exits 1", async () => {
      gateway = await fakePipelineGateway({
        'POST /api/pipelines': [
          503,
          { statusCode: 503, error: 'UNAVAILABLE', message: 'no trainer-controller answers' },
        ],
      });
      const result = await cli(['pipeline', 'run', '--reason', 'because']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe('error: no trainer-controller answers (HTTP 503)\n');
    });
  });

  describe('run --wait', () => {
    const waitFor = (...answers: Answer[]) =>
      fakePipelineGateway({
        'POST /api/pipelines': [202, { ...run(), created: true }],
        [`GET /api/pipelines/${ID}`]: sequence(...answers),
      });
    const wait = (extra: string[] = [], options: { tty?: boolean } = {}) =>
      cli(
        ['pipeline', 'run', '--reason', 'because', '--wait', '--interval', '10', ...extra],
        options,
      );

    it('follows the run to success in a log: states, progress lines, then the outputs', async () => {
      gateway = await waitFor(...SUCCEEDING.map(ok));
      const result = await wait();
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toContain(
        `started pipeline run ${ID} (pending)\n` +
          'following it (Ctrl-C stops following, not the run)\n' +
          '2026-01-02T03:00:00Z pending\n' +
          '2026-01-02T03:00:01Z collecting\n' +
          '2026-01-02T03:00:02Z building-dataset\n' +
          '2026-01-02T03:01:00Z training\n' +
          // One line per tenth of the steps, and when the epoch changes; 100 is in the same tenth.
          '  train: epoch 1/3, step 90/900 (10%), 41.50 steps/s, ETA 19s\n' +
          '  train: epoch 2/3, step 450/900 (50%), 41.50 steps/s, ETA 10s\n' +
          '  train: epoch 3/3, step 899/900 (99%), 41.50 steps/s, ETA 0s\n' +
          '2026-01-02T03:02:00Z evaluating\n' +
          '2026-01-02T03:03:00Z succeeded\n' +
          '\n' +
          `pipeline run ${ID}: succeeded\n`,
      );
      expect(out).toContain(
        'collected:  250 new labelled rows from feedback (after #1000, up to #1250); 2 inbox file(s)\n',
      );
      expect(out).toContain(`dataset:    ${SHA} (40250 rows; base efefefefefef of run abcdef12)\n`);
      expect(out).toContain(
        'validation: passed, 12/12 expectations (report /runs/x/validation-report.json)\n',
      );
      expect(out).toContain(`test set:   test ${TEST_SHA.slice(0, 12)}\n`);
      expect(out).toContain(
        'registered: v4 as challenger; gate passed on handwritten\n  - accuracy 0.95 >= 0.90\n',
      );
      expect(out).toMatch(/│ candidate\s+│ 4000 │ 0\.9125\s+│ 0\.9120\s+│/);
      expect(out).toMatch(/│ champion v3 │ 4000 │ 0\.9000\s+│ 0\.8991\s+│/);
      expect(out).toContain('accuracy +0.0125 vs the champion\n');
      expect(gets()).toHaveLength(SUCCEEDING.length);
    });

    it('exits 1 for a failed run, saying at which step and why', async () => {
      gateway = await waitFor(
        ok(run({ state: 'validating' })),
        ok(
          run({
            state: 'failed',
            failedStep: 'validating',
            error: 'validation failed, not training: 2 of 12 expectations failed',
            finishedAt: '2026-01-02T03:00:09.000Z',
          }),
        ),
      );
      const result = await wait();
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stdout).toContain(
        'failed:   at validating: validation failed, not training: 2 of 12 expectations failed\n',
      );
    });

    it('exits 7 for a cancelled run and 8 for a skipped one, saying why', async () => {
      gateway = await waitFor(
        ok(
          run({
            state: 'cancelled',
            error: 'cancelled during train',
            finishedAt: '2026-01-02T03:09:00.000Z',
          }),
        ),
      );
      const cancelled = await wait();
      expect(cancelled.code).toBe(ExitCode.PipelineCancelled);
      expect(cancelled.code).toBe(7);
      expect(cancelled.stdout).toContain('cancelled: cancelled during train\n');
      await gateway.close();

      const why = 'no new labelled data: 3 row(s) since the last successful run';
      gateway = await waitFor(
        ok(run({ state: 'collecting' })),
        ok(run({ state: 'skipped', error: why, finishedAt: '2026-01-02T03:00:05.000Z' })),
      );
      const skipped = await wait();
      expect(skipped.code).toBe(ExitCode.PipelineSkipped);
      expect(skipped.code).toBe(8);
      expect(skipped.stdout).toContain(`skipped:  ${why}\n`);
      expect(skipped.stdout).toContain('outputs\nnothing yet\n');
    });

    it('exits 9 for a rejected run, with the macro-F1 on the added and the old rows', async () => {
      const why = 'version 5 is registered but not challenger: on the new rows ...';
      const pair = (name: string, candidate: number, champion: number) => ({
        testSet: { name, sha256: TEST_SHA },
        candidate: { n: 120, accuracy: candidate, macro_f1: candidate },
        champion: { version: '3', n: 120, accuracy: champion, macro_f1: champion },
      });
      gateway = await waitFor(
        ok(
          run({
            state: 'rejected',
            error: why,
            outputs: {
              ...OUTPUTS,
              registered: undefined,
              evaluation: {
                ...OUTPUTS.evaluation,
                subsets: {
                  added: pair('test.added@x', 0.7, 0.75),
                  base: pair('test.base@x', 0.9, 0.9),
                },
                comparison: { passed: false, checks: [], failures: ['on the new rows: -0.05'] },
              },
            },
            finishedAt: '2026-01-02T03:09:00.000Z',
          }),
        ),
      );
      const rejected = await wait();
      expect(rejected.code).toBe(ExitCode.PipelineRejected);
      expect(rejected.code).toBe(9);
      expect(rejected.stdout).toContain(`rejected: ${why}\n`);
      expect(rejected.stdout).toMatch(
        /│ added \(new\) │ 120 │ 0\.7000\s+│ 0\.7500\s+│ -0\.0500\s+│/,
      );
      expect(rejected.stdout).toMatch(
        /│ base \(old\)\s+│ 120 │ 0\.9000\s+│ 0\.9000\s+│ \+0\.0000\s+│/,
      );
      expect(rejected.stdout).toContain(
        'verdict: fails the comparison with the champion\n  - on the new rows: -0.05\n',
      );
    });

    it('shows the checks of a comparison that passed', async () => {
      gateway = await waitFor(
        ok(
          run({
            state: 'succeeded',
            finishedAt: '2026-01-02T03:09:00.000Z',
            outputs: {
              ...OUTPUTS,
              evaluation: {
                ...OUTPUTS.evaluation,
                comparison: {
                  passed: true,
                  checks: ['test.added@x: macro-F1 0.80 vs champion v3 0.75 (+0.05); needs +0.000'],
                  failures: [],
                },
              },
            },
          }),
        ),
      );
      const done = await wait();
      expect(done.code).toBe(0);
      expect(done.stdout).toContain(
        'verdict: passes the comparison with the champion\n' +
          '  - test.added@x: macro-F1 0.80 vs champion v3 0.75 (+0.05); needs +0.000\n',
      );
    });

    it('prints only the final run with --json, and still exits by its state', async () => {
      const final = run({
        state: 'skipped',
        error: 'no new data',
        finishedAt: '2026-01-02T03:00:05.000Z',
      });
      gateway = await waitFor(ok(run({ state: 'collecting' })), ok(final));
      const result = await wait(['--json'], { tty: true });
      expect(result.code).toBe(ExitCode.PipelineSkipped);
      expect(JSON.parse(result.stdout)).toEqual(final);
      expect(result.stderr).toBe('');
    });

    it('draws a bar per epoch on a terminal instead of progress lines', async () => {
      gateway = await waitFor(...SUCCEEDING.map(ok));
      const result = await wait([], { tty: true });
      expect(result.code).toBe(ExitCode.Ok);
      const bars = stripAnsi(result.stderr);
      expect(bars).toContain('train epoch 1/3 [');
      expect(bars).toContain('100/900');
      expect(bars).toContain('train epoch 2/3 [');
      expect(bars).toContain('450/900');
      expect(bars).toContain('train epoch 3/3 [');
      expect(bars).toContain('899/900');
      const out = stripAnsi(result.stdout);
      expect(out).not.toContain('steps/s');
      expect(out).toContain('2026-01-02T03:01:00Z training\n2026-01-02T03:02:00Z evaluating\n');
    });

    it('keeps following through a gateway briefly away, with one warning', async () => {
      const away: Answer = [503, { statusCode: 503, message: 'no trainer-controller answers' }];
      gateway = await waitFor(
        away,
        away,
        ok(run({ state: 'collecting' })),
        away,
        ...SUCCEEDING.map(ok),
      );
      const result = await wait();
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stderr.match(/warning:/g)).toHaveLength(2);
      expect(result.stderr).toContain(
        `warning: no trainer-controller answers (HTTP 503); still following run ${ID}\n`,
      );
    });

    it(`gives up after ${MAX_MISSED_POLLS} failed polls in a row`, async () => {
      gateway = await waitFor([504, { statusCode: 504, message: 'no reply within 30000 ms' }]);
      const result = await wait();
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toContain('error: no reply within 30000 ms (HTTP 504)\n');
      expect(gets()).toHaveLength(MAX_MISSED_POLLS);
    });

    it('stops at once on a refusal that asking again will not change', async () => {
      gateway = await waitFor([404, { statusCode: 404, message: `no pipeline run ${ID}` }]);
      const result = await wait();
      expect(result.code).toBe(ExitCode.Failed);
      expect(result.stderr).toBe(`error: no pipeline run ${ID} (HTTP 404)\n`);
      expect(gets()).toHaveLength(1);
    });
  });

  describe('list', () => {
    it('prints a row per run: short id, state, trigger, reason, times, joined triggers', async () => {
      gateway = await fakePipelineGateway({
        'GET /api/pipelines': ok({
          runs: [
            run({ state: 'training', joinedTriggers: 2, reason: 'r'.repeat(60) }),
            run({
              id: OTHER,
              state: 'succeeded',
              trigger: 'drift',
              requestedBy: 'drift',
              reason: 'drift detected on sentiment v3',
              finishedAt: '2026-01-01T05:00:00.000Z',
            }),
          ],
        }),
      });
      const result = await cli(['pipeline', 'list']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const out = result.stdout;
      expect(out).toMatch(
        /│ id\s+│ state\s+│ trigger\s+│ reason\s+│ created\s+│ finished\s+│ joined │/,
      );
      expect(out).toMatch(
        new RegExp(
          `│ 6f1c2b3a │ training\\s+│ manual by alice │ ${'r'.repeat(39)}… │ 2026-01-02T03:00:00Z │ -\\s+│ 2\\s+│`,
        ),
      );
      expect(out).toMatch(
        /│ 6f1c9999 │ succeeded │ drift by drift\s+│ drift detected on sentiment v3\s+│ 2026-01-02T03:00:00Z │ 2026-01-01T05:00:00Z │ 0\s+│/,
      );
    });

    it('passes --limit, prints the reply with --json, and says when there are none', async () => {
      gateway = await fakePipelineGateway({
        'GET /api/pipelines?limit=5': ok({ runs: [run()] }),
        'GET /api/pipelines': ok({ runs: [] }),
      });
      const json = await cli(['pipeline', 'list', '--limit', '5', '--json']);
      expect(JSON.parse(json.stdout)).toEqual({ runs: [run()] });
      expect((await cli(['pipeline', 'list'])).stdout).toBe('no pipeline runs yet\n');
      expect((await cli(['pipeline', 'list', '--limit', '501'])).code).toBe(ExitCode.Usage);
    });
  });

  describe('status', () => {
    it("prints the run's details and training progress, and exits 0 whatever its state", async () => {
      gateway = await fakePipelineGateway({
        [`GET /api/pipelines/${ID}`]: ok(
          run({
            state: 'training',
            progress: progress(360, 2),
            outputs: {
              collected: OUTPUTS.collected,
              dataset: OUTPUTS.dataset,
              validation: OUTPUTS.validation,
            },
            joinedTriggers: 1,
          }),
        ),
      });
      const result = await cli(['pipeline', 'status', ID]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      expect(result.stdout).toBe(
        `pipeline run ${ID}: training\n` +
          'trigger:  manual by alice: two weeks of new feedback\n' +
          'created:  2026-01-02T03:00:00Z\n' +
          'updated:  2026-01-02T03:00:00Z\n' +
          'finished: -\n' +
          'joined:   1 trigger(s) while it was active\n' +
          'progress: train: epoch 2/3, step 360/900 (40%), 41.50 steps/s, ETA 13s\n' +
          '\noutputs\n' +
          'collected:  250 new labelled rows from feedback (after #1000, up to #1250); 2 inbox file(s)\n' +
          `dataset:    ${SHA} (40250 rows; base efefefefefef of run abcdef12)\n` +
          'validation: passed, 12/12 expectations (report /runs/x/validation-report.json)\n',
      );
    });

    it('shows a run without a champion to compare with', async () => {
      const outputs = {
        ...OUTPUTS,
        evaluation: { ...OUTPUTS.evaluation, champion: null },
        registered: { version: '1', gate: null },
      };
      gateway = await fakePipelineGateway({
        [`GET /api/pipelines/${ID}`]: ok(run({ state: 'succeeded', outputs })),
      });
      const result = await cli(['pipeline', 'status', ID]);
      expect(result.stdout).toMatch(/│ champion\s+│ none │ -\s+│ -\s+│/);
      expect(result.stdout).toContain('registered: v1 as challenger; gate not evaluated\n');
      expect(result.stdout).not.toContain('vs the champion');
    });

    it('accepts the short id `list` shows, found among the latest runs', async () => {
      gateway = await fakePipelineGateway({
        'GET /api/pipelines?limit=500': ok({ runs: [run({ id: OTHER }), run()] }),
        [`GET /api/pipelines/${ID}`]: ok(run()),
      });
      const result = await cli(['pipeline', 'status', '6F1C2B3A', '--json']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(run());

      const ambiguous = await cli(['pipeline', 'status', '6f1c']);
      expect(ambiguous.code).toBe(ExitCode.Usage);
      expect(ambiguous.stderr).toContain(
        '6f1c starts 2 run ids (6f1c9999, 6f1c2b3a): give more of it',
      );

      const unknown = await cli(['pipeline', 'status', 'abcd1234']);
      expect(unknown.code).toBe(ExitCode.Failed);
      expect(unknown.stderr).toContain('no pipeline run id starts with abcd1234');
    });

    it.each(['42', 'xyz12345', `${ID}0`])('refuses the id %s without asking', async (id) => {
      gateway = await fakePipelineGateway({});
      const result = await cli(['pipeline', 'status', id]);
      expect(result.code).toBe(ExitCode.Usage);
      expect(result.stderr).toContain('expected a run id');
      expect(gateway.requests).toHaveLength(0);
    });

    it('follows the run with --watch and exits by how it ended', async () => {
      gateway = await fakePipelineGateway({
        [`GET /api/pipelines/${ID}`]: sequence(
          ok(run({ state: 'training' })),
          ok(
            run({
              state: 'cancelled',
              error: 'cancelled on request',
              finishedAt: '2026-01-02T03:09:00.000Z',
            }),
          ),
        ),
      });
      const result = await cli(['pipeline', 'status', ID, '--watch', '--interval', '10']);
      expect(result.code).toBe(ExitCode.PipelineCancelled);
      expect(result.stdout).toContain(
        `following pipeline run ${ID} (Ctrl-C stops following, not the run)\n` +
          '2026-01-02T03:00:00Z training\n2026-01-02T03:00:00Z cancelled\n\n' +
          `pipeline run ${ID}: cancelled\n`,
      );
    });

    it('ends following a run that finished in a state this CLI does not know, as a failure', async () => {
      gateway = await fakePipelineGateway({
        [`GET /api/pipelines/${ID}`]: ok(
          run({ state: 'rolled-back', finishedAt: '2026-01-02T03:09:00.000Z' }),
        ),
      });
      const result = await cli(['pipeline', 'status', ID, '--watch', '--interval', '10']);
      expect(result.code).toBe(ExitCode.Failed);
      expect(gets()).toHaveLength(1);
    });
  });

  describe('cancel and retry', () => {
    it('cancels with the reason and says whether the run has stopped yet', async () => {
      gateway = await fakePipelineGateway({
        [`POST /api/pipelines/${ID}/cancel`]: sequence(
          ok(run({ state: 'cancelled' })),
          ok(run({ state: 'training' })),
        ),
      });
      const now = await cli(['pipeline', 'cancel', ID, '--reason', 'wrong data']);
      expect(now.code).toBe(ExitCode.Ok);
      expect(now.stdout).toBe(`cancelled pipeline run ${ID}\n`);
      expect(JSON.parse(gateway.requests[0].body)).toEqual({ reason: 'wrong data' });

      const later = await cli(['pipeline', 'cancel', ID]);
      expect(later.stdout).toBe(
        `asked pipeline run ${ID} to stop: it is training and ends cancelled once its current job has stopped\n`,
      );
      expect(JSON.parse(gateway.requests[1].body)).toEqual({});
    });

    it('retries a failed run and prints the state it starts again from', async () => {
      gateway = await fakePipelineGateway({
        [`POST /api/pipelines/${ID}/retry`]: ok(run({ state: 'training' })),
      });
      const result = await cli(['pipeline', 'retry', ID, '--reason', 'GPU node is back', '--json']);
      expect(result.code).toBe(ExitCode.Ok);
      expect(JSON.parse(result.stdout)).toEqual(run({ state: 'training' }));
      expect(JSON.parse(gateway.requests[0].body)).toEqual({ reason: 'GPU node is back' });
      expect((await cli(['pipeline', 'retry', ID])).stdout).toBe(
        `retrying pipeline run ${ID} from training\n` +
          `follow it: sentimentops pipeline status ${ID} --watch\n`,
      );
    });

    it.each([
      ['cancel', 400, 'FAILED_PRECONDITION', `run ${ID} already succeeded`],
      [
        'retry',
        400,
        'FAILED_PRECONDITION',
        `only a failed run can be retried; run ${ID} is training`,
      ],
      ['retry', 409, 'CONFLICT', 'another run is active; retry it later'],
    ])(
      "prints the controller's refusal of %s (%i) and exits 1",
      async (action, status, error, message) => {
        gateway = await fakePipelineGateway({
          [`POST /api/pipelines/${ID}/${action}`]: [status, { statusCode: status, error, message }],
        });
        const result = await cli(['pipeline', action, ID]);
        expect(result.code).toBe(ExitCode.Failed);
        expect(result.stderr).toBe(`error: ${message} (HTTP ${status})\n`);
      },
    );

    it('exits 4 without a valid token', async () => {
      gateway = await fakePipelineGateway({});
      const result = await runMain(['pipeline', 'cancel', ID], {
        env: { SENTIMENTOPS_URL: gateway.url, SENTIMENTOPS_ADMIN_TOKEN: 'wrong' },
      });
      expect(result.code).toBe(ExitCode.Auth);
    });
  });

  it('exits by the state of a run it followed: 0, 1, 7, 8, 9', () => {
    expect(RUN_EXIT_CODES).toEqual({
      succeeded: 0,
      failed: 1,
      cancelled: 7,
      skipped: 8,
      rejected: 9,
    });
  });
});
