import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type PipelineState } from '@sentimentops/contracts';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobRunner, type JobSpec } from '../jobs/job-runner.js';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { isTerminal, PipelineRuns, type RunRow } from './pipeline-runs.js';
import { PipelineSteps, type StepOutcome } from './pipeline-steps.js';

const LEASE_S = 30;
const RENEW_MS = 10_000;
const IDLE_MS = 2_000;

/** Thrown inside a step when the run was cancelled: the job is stopped, the run ends cancelled. */
export class RunCancelled extends Error {}

/**
 * Executes pipeline runs: claims the active run under a lease (so one controller executes it),
 * then runs its steps from the state it is in. A step's jobs are found again after a restart
 * (the runner is idempotent by run and step), so a controller killed mid-step resumes by following
 * the job it had started; a step that had finished is not run again (its outputs are stored).
 */
@Injectable()
export class PipelineExecutor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PipelineExecutor.name);
  private readonly owner = `${hostname()}-${process.pid}`;
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly runs: PipelineRuns,
    private readonly steps: PipelineSteps,
    private readonly runner: JobRunner,
    private readonly config: TrainerControllerConfig,
  ) {}

  onApplicationBootstrap() {
    if (this.config.TRAINER_EXECUTE) this.loop = this.run();
  }

  /** Stops following (the step's job keeps running) and hands the run over to the next controller. */
  async onApplicationShutdown() {
    this.stopping.abort();
    await this.loop;
    await this.runs.release(this.owner).catch(() => undefined);
  }

  private async run() {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        const claimed = await this.runs.claim(this.owner, LEASE_S);
        if (claimed) await this.execute(claimed);
        else await sleep(IDLE_MS, undefined, { signal });
      } catch (err) {
        if (signal.aborted) return;
        this.logger.error(`pipeline executor: ${String(err)}`);
        await sleep(IDLE_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Runs the claimed run's steps until it ends (or this process stops). */
  async execute(claimed: RunRow) {
    const renew = setInterval(() => {
      void this.runs.renew(claimed.id, this.owner, LEASE_S).catch(() => undefined);
    }, RENEW_MS);
    try {
      let run = claimed;
      while (!isTerminal(run.state) && !this.stopping.signal.aborted) {
        if (await this.runs.cancelRequested(run.id)) {
          await this.runs.finish(run.id, 'cancelled', { error: 'cancelled on request' });
          break;
        }
        const outcome = await this.step(run);
        if (this.stopping.signal.aborted) return; // the lease runs out; a restart resumes it
        if (outcome.kind === 'next') await this.runs.advance(run.id, outcome.to, outcome.outputs);
        else await this.runs.finish(run.id, outcome.to, outcome);
        run = await this.runs.get(run.id);
        this.logger.log(`run ${run.id}: ${run.state}${run.error ? ` (${run.error})` : ''}`);
      }
    } finally {
      clearInterval(renew);
    }
  }

  private async step(run: RunRow): Promise<StepOutcome> {
    const state = run.state;
    const workDir = path.join(this.config.workRoot(), run.id);
    try {
      return await this.steps.run(state, run, {
        workDir,
        job: (step, args, gpus = 0) => this.job(run, workDir, step, args, gpus),
      });
    } catch (err) {
      if (err instanceof RunCancelled) return { kind: 'end', to: 'cancelled', error: err.message };
      if (this.stopping.signal.aborted) throw err;
      const details = (err as { details?: readonly string[] }).details;
      const message =
        (err instanceof Error ? err.message : String(err)) +
        (details?.length ? `: ${details.join('; ')}` : '');
      this.logger.error(`run ${run.id} failed at ${state}: ${message}`);
      return { kind: 'end', to: 'failed', failedStep: state, error: message };
    }
  }

  /** One training-CLI job of a step: started (or found again), followed, its progress stored. */
  private async job(
    run: RunRow,
    workDir: string,
    step: string,
    args: string[],
    gpus: number,
  ): Promise<Record<string, unknown>> {
    // A retried run starts its jobs afresh: the failed attempt's job keeps its own name.
    const attempt = Number(run.outputs.attempt ?? 0);
    const spec: JobSpec = {
      runId: run.id,
      step: attempt > 0 ? `${step}-retry${attempt}` : step,
      args,
      workDir,
      gpus,
      timeoutSeconds: this.config.TRAINER_JOB_TIMEOUT_S,
    };
    const handle =
      (await this.runner.find(run.id, spec.step, workDir)) ?? (await this.runner.start(spec));
    const cancelWatch = new AbortController();
    // Neither poll nor progress may reject unhandled (that ends the process): with the database
    // away for a moment, the next poll asks again and the next progress line is saved.
    const poll = setInterval(() => {
      this.runs.cancelRequested(run.id).then(
        (c) => c && cancelWatch.abort(),
        (err: unknown) =>
          this.logger.warn(`run ${run.id}: cannot read cancellation: ${String(err)}`),
      );
    }, 1_000);
    const stop = () => cancelWatch.abort();
    this.stopping.signal.addEventListener('abort', stop);
    let lastSaved = 0;
    try {
      const result = await this.runner.wait(handle, {
        signal: cancelWatch.signal,
        onLog: (line) => this.logger.log(`[${run.id.slice(0, 8)} ${step}] ${line}`),
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastSaved < 1_000) return;
          lastSaved = now;
          this.runs
            .setProgress(run.id, { ...p, job: step })
            .catch((err: unknown) =>
              this.logger.warn(`run ${run.id}: progress not saved: ${String(err)}`),
            );
        },
      });
      if (result.state !== 'succeeded') {
        throw new Error(`${step}: ${result.reason ?? result.state}`);
      }
      return result.summary ?? {};
    } catch (err) {
      if (cancelWatch.signal.aborted && !this.stopping.signal.aborted) {
        await this.runner.cancel(handle);
        throw new RunCancelled(`cancelled during ${step}`);
      }
      throw err;
    } finally {
      clearInterval(poll);
      this.stopping.signal.removeEventListener('abort', stop);
    }
  }
}

export type { PipelineState };
