/**
 * Follows a run until it ends (`pipeline run --wait`, `pipeline status --watch`): asks the gateway
 * for the run every interval, prints each state it moves to, and shows training progress: a bar
 * per epoch for a person at a terminal, a line per tenth of the steps in a log. Nothing is printed
 * with --json (Output drops it); the caller prints the final run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../http/gateway.error.js';
import { type Output } from '../output/cli.output.js';
import { time } from '../models/models.view.js';
import { type PipelinesApi } from './pipelines.api.js';
import { hasEnded, type PipelineProgressView, type PipelineRunView } from './pipelines.types.js';
import { progressText, stateText } from './pipelines.view.js';

/** How often the run is read unless --interval says otherwise. */
export const FOLLOW_INTERVAL_MS = 1_000;

/**
 * Polls in a row that may fail (gateway or trainer-controller away, restarting) before following
 * gives up: a run lasts far longer than a restart, and giving up does not stop it.
 */
export const MAX_MISSED_POLLS = 30;

export interface FollowOptions {
  intervalMs: number;
  /** Draw progress bars (a person at a terminal) rather than print progress lines. */
  bars: boolean;
}

type TrainingProgress = PipelineProgressView & { step: number; totalSteps: number };

export class RunFollower {
  private missed = 0;
  private lastLine?: string;

  constructor(
    private readonly api: PipelinesApi,
    private readonly out: Output,
    private readonly options: FollowOptions,
  ) {}

  /** Resolves with the run once it has ended. */
  async follow(first: PipelineRunView): Promise<PipelineRunView> {
    let run = first;
    this.announce(run);
    while (!hasEnded(run)) {
      const previous = run;
      const training = this.options.bars ? trainingProgress(run) : undefined;
      run = training ? await this.bar(run, training) : await this.poll(run.id);
      if (run.state !== previous.state) this.announce(run);
      else if (!this.options.bars) this.progressLine(run);
    }
    return run;
  }

  /** A bar for the job's current epoch; resolves with the run once the epoch or state moves on. */
  private bar(start: PipelineRunView, progress: TrainingProgress): Promise<PipelineRunView> {
    const label = barLabel(progress, start.state);
    return this.out.withProgress(label, progress.totalSteps, async (ticker) => {
      ticker.update(progress.step, rateAndEta(progress));
      for (;;) {
        const run = await this.poll(start.id);
        const now = trainingProgress(run);
        if (run.state !== start.state || !now || barKey(now) !== barKey(progress)) return run;
        ticker.update(now.step, rateAndEta(now));
      }
    });
  }

  /** The run, one interval from now; a gateway briefly away is waited for. */
  private async poll(id: string): Promise<PipelineRunView> {
    for (;;) {
      await sleep(this.options.intervalMs);
      try {
        const run = await this.api.get(id);
        this.missed = 0;
        return run;
      } catch (error) {
        if (!transient(error) || ++this.missed >= MAX_MISSED_POLLS) throw error;
        if (this.missed === 1)
          this.out.warn(`${(error as Error).message.split('\n')[0]}; still following run ${id}`);
      }
    }
  }

  private announce(run: PipelineRunView): void {
    this.out.line(`${time(run.updatedAt)} ${stateText(run.state, this.out.colors)}`);
    this.lastLine = undefined;
    if (!this.options.bars) this.progressLine(run);
  }

  /** In a log: a line when the job or epoch changes, and at each tenth of the steps. */
  private progressLine(run: PipelineRunView): void {
    const text = progressText(run.progress);
    if (!text || !run.progress) return;
    const p = run.progress;
    const tenth =
      isNumber(p.step) && isNumber(p.totalSteps) && p.totalSteps > 0
        ? Math.floor((10 * p.step) / p.totalSteps)
        : undefined;
    const key = `${p.job}|${p.epoch}|${tenth}`;
    if (key === this.lastLine) return;
    this.lastLine = key;
    this.out.line(`  ${text}`);
  }
}

/** Training progress a bar can show: steps done of a known total. */
function trainingProgress(run: PipelineRunView): TrainingProgress | undefined {
  const p = run.progress;
  if (!p || !isNumber(p.step) || !isNumber(p.totalSteps) || p.totalSteps <= 0) return undefined;
  return p as TrainingProgress;
}

/** `train epoch 2/3`: the bar's total is the whole job's steps, so its label names the epoch. */
function barLabel(p: TrainingProgress, state: string): string {
  const epochs = isNumber(p.epochs) ? `/${p.epochs}` : '';
  return `${p.job ?? state}${isNumber(p.epoch) ? ` epoch ${p.epoch}${epochs}` : ''}`;
}

const barKey = (p: TrainingProgress) => `${p.job}|${p.epoch}|${p.epochs}|${p.totalSteps}`;

/** Worth asking again: nothing answered, or the gateway said its upstream is away. */
export function transient(error: unknown): boolean {
  if (!(error instanceof GatewayError)) return false;
  if (error.kind === 'unreachable' || error.kind === 'timeout') return true;
  return error.kind === 'http' && [502, 503, 504].includes(error.status ?? 0);
}

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** `41.50 steps/s, ETA 13s` for the bar, from what the job reported. */
function rateAndEta(p: TrainingProgress): string {
  const parts: string[] = [];
  if (typeof p.stepsPerSecond === 'number') parts.push(`${p.stepsPerSecond.toFixed(2)} steps/s`);
  if (typeof p.etaSeconds === 'number') parts.push(`ETA ${Math.round(p.etaSeconds)}s`);
  return parts.join(', ');
}
