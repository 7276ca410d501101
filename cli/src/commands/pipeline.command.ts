/**
 * `sentimentops pipeline run|list|status|cancel|retry`: retraining pipeline runs through the
 * gateway's admin API (`/api/pipelines/...`). `run --wait` and `status --watch` follow a run to its
 * end and exit by how it ended, so a script or a CI job can branch on it: 0 succeeded, 1 failed,
 * 7 cancelled, 8 skipped, 9 rejected (the candidate did not beat the champion).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, type Session } from '../cli.context.js';
import { type Output } from '../output/cli.output.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { PipelinesApi } from '../pipelines/pipelines.api.js';
import { FOLLOW_INTERVAL_MS, RunFollower } from '../pipelines/pipelines.follow.js';
import { type PipelineRunView, type StartedPipelineRun } from '../pipelines/pipelines.types.js';
import { runSections, runsTable, shortId, stateText } from '../pipelines/pipelines.view.js';

/** The exit code of a run followed to its end; a state this CLI does not know is a failure. */
export const RUN_EXIT_CODES: Readonly<Record<string, ExitCode>> = {
  succeeded: ExitCode.Ok,
  failed: ExitCode.Failed,
  cancelled: ExitCode.PipelineCancelled,
  skipped: ExitCode.PipelineSkipped,
  rejected: ExitCode.PipelineRejected,
};

/** How many runs a short id is looked for among (the gateway's largest page). */
const ID_LOOKUP_LIMIT = 500;

interface FollowFlags {
  interval: number;
}

export function register(program: Command, ctx: CliContext): void {
  const pipeline = program
    .command('pipeline')
    .description('retraining pipeline runs: start and follow one, list, cancel, retry');

  pipeline
    .command('run')
    .description('start a retraining run, or join the active one; --wait follows it to its end')
    .requiredOption('--reason <text>', 'why retrain (3 to 1000 characters; recorded)', parseReason)
    .option(
      '--wait',
      'follow the run until it ends and exit by how it ended (0, 1, 7, 8, 9)',
      false,
    )
    .option(
      '--interval <ms>',
      'how often to ask while following',
      parseInterval,
      FOLLOW_INTERVAL_MS,
    )
    .action(
      ctx.action(async (session, command) => {
        const opts = command.opts<FollowFlags & { reason: string; wait: boolean }>();
        const { out } = session;
        const api = new PipelinesApi(session.client);
        const started = await api.start(opts.reason);
        if (!opts.wait) {
          return out.result(started, (r) => {
            out.line(startedText(r, out));
            out.line(`follow it: sentimentops pipeline status ${r.id} --watch`);
          });
        }
        out.line(startedText(started, out));
        out.line('following it (Ctrl-C stops following, not the run)');
        return follow(ctx, session, api, started, opts);
      }),
    );

  pipeline
    .command('list')
    .description('pipeline runs, newest first')
    .option('--limit <N>', "how many (1-500; default: the trainer-controller's, 20)", parseLimit)
    .action(
      ctx.action(async (session, command) => {
        const { limit } = command.opts<{ limit?: number }>();
        const reply = await new PipelinesApi(session.client).list(limit);
        session.out.result(reply, ({ runs }) => {
          if (runs.length === 0) return session.out.line('no pipeline runs yet');
          runsTable(session.out, runs);
        });
      }),
    );

  pipeline
    .command('status')
    .description("one run's state, progress and outputs; --watch follows it to its end")
    .argument('<id>', 'run id: the uuid, or its start as `pipeline list` shows it', parseId)
    .option(
      '--watch',
      'follow the run until it ends and exit by how it ended (0, 1, 7, 8, 9)',
      false,
    )
    .option(
      '--interval <ms>',
      'how often to ask while following',
      parseInterval,
      FOLLOW_INTERVAL_MS,
    )
    .action(
      ctx.action(async (session, command) => {
        const opts = command.opts<FollowFlags & { watch: boolean }>();
        const api = new PipelinesApi(session.client);
        const run = await api.get(await resolveRunId(api, command.processedArgs[0] as string));
        if (!opts.watch) return session.out.result(run, (r) => runSections(session.out, r));
        session.out.line(`following pipeline run ${run.id} (Ctrl-C stops following, not the run)`);
        return follow(ctx, session, api, run, opts);
      }),
    );

  pipeline
    .command('cancel')
    .description('stop an active run (its current job is stopped; the run ends cancelled)')
    .argument('<id>', 'run id: the uuid, or its start as `pipeline list` shows it', parseId)
    .option('--reason <text>', 'why (up to 1000 characters; recorded)', parseActionReason)
    .action(
      ctx.action(async (session, command) => {
        const { reason } = command.opts<{ reason?: string }>();
        const { out } = session;
        const api = new PipelinesApi(session.client);
        const id = await resolveRunId(api, command.processedArgs[0] as string);
        const run = await api.cancel(id, reason === undefined ? {} : { reason });
        out.result(run, (r) =>
          out.line(
            r.state === 'cancelled'
              ? `cancelled pipeline run ${r.id}`
              : `asked pipeline run ${r.id} to stop: it is ${stateText(r.state, out.colors)} ` +
                  'and ends cancelled once its current job has stopped',
          ),
        );
      }),
    );

  pipeline
    .command('retry')
    .description('run a failed run again from the step that failed (earlier outputs are kept)')
    .argument('<id>', 'run id: the uuid, or its start as `pipeline list` shows it', parseId)
    .option('--reason <text>', 'why (up to 1000 characters; recorded)', parseActionReason)
    .action(
      ctx.action(async (session, command) => {
        const { reason } = command.opts<{ reason?: string }>();
        const { out } = session;
        const api = new PipelinesApi(session.client);
        const id = await resolveRunId(api, command.processedArgs[0] as string);
        const run = await api.retry(id, reason === undefined ? {} : { reason });
        out.result(run, (r) => {
          out.line(`retrying pipeline run ${r.id} from ${stateText(r.state, out.colors)}`);
          out.line(`follow it: sentimentops pipeline status ${r.id} --watch`);
        });
      }),
    );
}

/** Follows the run to its end, prints it (with --json: only it), and exits by its state. */
async function follow(
  ctx: CliContext,
  session: Session,
  api: PipelinesApi,
  run: PipelineRunView,
  { interval }: FollowFlags,
): Promise<ExitCode> {
  const { out } = session;
  // Bars exactly where Output.withProgress draws them; elsewhere progress is printed as lines.
  const bars = !out.json && ctx.io.stdout.isTTY === true && ctx.io.stderr.isTTY === true;
  const final = await new RunFollower(api, out, { intervalMs: interval, bars }).follow(run);
  out.result(final, (r) => {
    out.line();
    runSections(out, r);
  });
  return runExitCode(final);
}

export function runExitCode(run: PipelineRunView): ExitCode {
  return RUN_EXIT_CODES[run.state] ?? ExitCode.Failed;
}

function startedText(run: StartedPipelineRun, out: Output): string {
  const state = stateText(run.state, out.colors);
  return run.created
    ? `started pipeline run ${run.id} (${state})`
    : `joined the active run ${run.id} (${state}; ${run.joinedTriggers} trigger(s) joined it so far)`;
}

/**
 * A whole uuid as it is; the start of one (as `pipeline list` shows it) as the one run among the
 * latest whose id starts so.
 */
async function resolveRunId(api: PipelinesApi, id: string): Promise<string> {
  if (UUID.test(id)) return id;
  const { runs } = await api.list(ID_LOOKUP_LIMIT);
  const matches = runs.filter((r) => typeof r.id === 'string' && r.id.startsWith(id));
  if (matches.length === 1) return matches[0].id;
  if (matches.length === 0)
    throw new CliError(
      `no pipeline run id starts with ${id} (among the latest ${ID_LOOKUP_LIMIT})`,
    );
  throw new CliError(
    `${id} starts ${matches.length} run ids (${matches.map((r) => shortId(r.id)).join(', ')}): give more of it`,
    ExitCode.Usage,
  );
}

// Checked here as the gateway checks them, so a typo is a usage error (exit 2), not a round trip.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function parseId(value: string): string {
  const id = value.toLowerCase();
  if (UUID.test(id) || /^[0-9a-f][0-9a-f-]{3,34}$/.test(id)) return id;
  throw new InvalidArgumentError(
    'expected a run id (a uuid, or at least its first 4 characters as `pipeline list` shows it)',
  );
}

function parseReason(value: string): string {
  // Blanks do not count here (the gateway would take three spaces): they say nothing.
  if (value.trim().length < 3 || value.length > 1000)
    throw new InvalidArgumentError('expected a reason of 3 to 1000 characters');
  return value;
}

function parseActionReason(value: string): string {
  if (value.length > 1000)
    throw new InvalidArgumentError('expected a reason of up to 1000 characters');
  return value;
}

function parseLimit(value: string): number {
  return parseWhole(value, 1, 500, 'a number of runs, 1 to 500');
}

function parseInterval(value: string): number {
  return parseWhole(value, 10, 60_000, 'an interval in milliseconds, 10 to 60000');
}

function parseWhole(value: string, min: number, max: number, expected: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InvalidArgumentError(`expected ${expected}`);
  return n;
}
