/**
 * `sentimentops rollout start|status|list|pause|resume|promote|rollback`: canary rollouts of the
 * model's challenger through the gateway's admin API (`/api/rollouts/...`). `status --watch`
 * follows the rollout to its end and exits by how it ended, so a script or a CI job can branch on
 * it: 0 promoted, 10 rolled back.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext } from '../cli.context.js';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_MODEL } from '../models/models.api.js';
import { RolloutsApi } from '../rollouts/rollouts.api.js';
import { RolloutWatcher, WATCH_INTERVAL_MS } from '../rollouts/rollouts.follow.js';
import {
  type RolloutAction,
  type RolloutMode,
  ROLLOUT_MODES,
  type RolloutView,
} from '../rollouts/rollouts.types.js';
import { rolloutSections, rolloutsTable, summaryText } from '../rollouts/rollouts.view.js';

/** The exit code of a rollout followed to its end; a state this CLI does not know is a failure. */
export const ROLLOUT_EXIT_CODES: Readonly<Record<string, ExitCode>> = {
  promoted: ExitCode.Ok,
  'rolled-back': ExitCode.RolloutRolledBack,
};

/** What each action did, for the line it prints. */
const DONE: Readonly<Record<RolloutAction, string>> = {
  pause: 'paused',
  resume: 'resumed',
  promote: 'promoted',
  rollback: 'rolled back',
};

const ACTION_HELP: Readonly<Record<RolloutAction, string>> = {
  pause: 'hold the active rollout at its weight: no analysis moves it until it is resumed',
  resume: 'let analyses move a paused rollout on again',
  promote: 'make the challenger champion now, without waiting for the remaining steps',
  rollback: 'send every batch to the champion again, now',
};

interface StartFlags {
  model: string;
  steps?: number[];
  interval?: number;
  mode?: RolloutMode;
  sticky: boolean;
  reason?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const rollout = program
    .command('rollout')
    .description(
      'canary rollouts of the challenger: start, follow, list, pause, promote, roll back',
    );

  rollout
    .command('start')
    .description("start rolling the model's challenger out, step by step")
    .argument('<version>', 'the challenger version, e.g. 4 (or v4)', parseVersion)
    .option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL)
    .option(
      '--steps <percents>',
      "traffic steps, e.g. 5,25,50,100: increasing, the last 100 (default: the controller's)",
      parseSteps,
    )
    .option(
      '--interval <seconds>',
      "seconds between analyses; each that passes moves a step on (default: the controller's)",
      parseIntervalSeconds,
    )
    .option('--mode <mode>', 'canary, or shadow (clients see only the champion)', parseMode)
    .option('--sticky', 'keep each caller (x-sentimentops-routing-key) on one track', false)
    .option('--reason <text>', 'why (3 to 1000 characters; recorded)', parseReason)
    .action(
      ctx.action(async (session, command) => {
        const opts = command.opts<StartFlags>();
        const { out } = session;
        const version = command.processedArgs[0] as string;
        const started = await new RolloutsApi(session.client, opts.model).start({
          version,
          ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
          ...(opts.interval !== undefined ? { intervalSeconds: opts.interval } : {}),
          ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
          ...(opts.sticky ? { sticky: true } : {}),
          ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
        });
        out.result(started, (r) => {
          out.line(
            `started rollout ${r.id} of ${r.modelName} v${r.version}: ${summaryText(r, out.colors)}`,
          );
          out.line('follow it: sentimentops rollout status --watch');
        });
      }),
    );

  rollout
    .command('status')
    .description('the active rollout (else the latest): traffic, checks and their verdicts')
    .option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL)
    .option('--watch', 'follow the rollout until it ends; exit 0 promoted, 10 rolled back', false)
    // Not --interval: for rollouts that is the time between analyses (`start --interval`).
    .option('--poll <ms>', 'how often to ask while following', parsePoll, WATCH_INTERVAL_MS)
    .action(
      ctx.action(async (session, command) => {
        const opts = command.opts<{ model: string; watch: boolean; poll: number }>();
        const { out } = session;
        const api = new RolloutsApi(session.client, opts.model);
        const current = await api.current();
        if (!opts.watch) return out.result(current, (r) => rolloutSections(out, r));
        out.line(`following rollout ${current.id} (Ctrl-C stops following, not the rollout)`);
        const final = await new RolloutWatcher(api, out, opts.poll).follow(current);
        out.result(final, (r) => {
          out.line();
          rolloutSections(out, r);
        });
        return rolloutExitCode(final);
      }),
    );

  rollout
    .command('list')
    .description("the model's rollouts, newest first")
    .option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL)
    .option('--limit <N>', "how many (1-500; default: the trainer-controller's)", parseLimit)
    .action(
      ctx.action(async (session, command) => {
        const { model, limit } = command.opts<{ model: string; limit?: number }>();
        const reply = await new RolloutsApi(session.client, model).list(limit);
        session.out.result(reply, ({ rollouts }) => {
          if (rollouts.length === 0) return session.out.line(`no rollouts of ${model} yet`);
          rolloutsTable(session.out, rollouts);
        });
      }),
    );

  for (const action of ['pause', 'resume', 'promote', 'rollback'] as const) {
    rollout
      .command(action)
      .description(ACTION_HELP[action])
      .option('--model <name>', 'registered model name', parseModelName, DEFAULT_MODEL)
      .option('--reason <text>', 'why (up to 1000 characters; recorded)', parseActionReason)
      .action(
        ctx.action(async (session, command) => {
          const { model, reason } = command.opts<{ model: string; reason?: string }>();
          const { out } = session;
          const r = await new RolloutsApi(session.client, model).act(action, reason);
          out.result(r, () =>
            out.line(
              `${DONE[action]} rollout ${r.id} of ${r.modelName} v${r.version}: ` +
                summaryText(r, out.colors),
            ),
          );
        }),
      );
  }
}

export function rolloutExitCode(rollout: RolloutView): ExitCode {
  return ROLLOUT_EXIT_CODES[rollout.state] ?? ExitCode.Failed;
}

// Checked here as the gateway checks them, so a typo is a usage error (exit 2), not a round trip.

function parseModelName(value: string): string {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(value))
    throw new InvalidArgumentError('expected a model name such as "sentiment"');
  return value;
}

function parseVersion(value: string): string {
  const version = value.replace(/^v/, '');
  if (!/^[1-9][0-9]{0,9}$/.test(version))
    throw new InvalidArgumentError('expected a version number such as 4 (or v4)');
  return version;
}

function parseSteps(value: string): number[] {
  const steps = value.split(',').map((s) => s.trim());
  const numbers = steps.map(Number);
  const valid =
    steps.length <= 20 &&
    steps.every((s) => /^\d+$/.test(s)) &&
    numbers.every((n, i) => n >= 1 && n <= 100 && (i === 0 || n > numbers[i - 1])) &&
    numbers[numbers.length - 1] === 100;
  if (!valid)
    throw new InvalidArgumentError(
      'expected percents such as 5,25,50,100: 1 to 100, increasing, the last 100, at most 20',
    );
  return numbers;
}

function parseMode(value: string): RolloutMode {
  if (!(ROLLOUT_MODES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${ROLLOUT_MODES.join(', ')}`);
  return value as RolloutMode;
}

function parseReason(value: string): string {
  if (value.trim().length < 3 || value.length > 1000)
    throw new InvalidArgumentError('expected a reason of 3 to 1000 characters');
  return value;
}

function parseActionReason(value: string): string {
  if (value.length > 1000)
    throw new InvalidArgumentError('expected a reason of up to 1000 characters');
  return value;
}

function parseIntervalSeconds(value: string): number {
  return parseWhole(value, 1, 86_400, 'a number of seconds, 1 to 86400');
}

function parsePoll(value: string): number {
  return parseWhole(value, 10, 60_000, 'an interval in milliseconds, 10 to 60000');
}

function parseLimit(value: string): number {
  return parseWhole(value, 1, 500, 'a number of rollouts, 1 to 500');
}

function parseWhole(value: string, min: number, max: number, expected: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InvalidArgumentError(`expected ${expected}`);
  return n;
}
