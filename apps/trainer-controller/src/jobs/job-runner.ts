/**
 * Where a pipeline step's training command runs: a local process (the embedded default) or a
 * Kubernetes Job on the GPU pool. Chosen by configuration (TRAINER_JOB_RUNNER), never by test.
 * Every method is idempotent by (runId, step): a controller that restarts mid-step finds the job
 * it started instead of starting another.
 */
export interface JobSpec {
  runId: string;
  /** The pipeline step this job is, e.g. `train`; with runId it names the job. */
  step: string;
  /** Arguments of the training CLI (`sentimentops-train <args>`), e.g. ['train', '--config', ...]. */
  args: string[];
  /** The run's folder: where the step reads and writes (a shared volume in a cluster). */
  workDir: string;
  env?: Record<string, string>;
  /** GPUs the step needs (training: 1 in a cluster; 0 on a laptop). */
  gpus?: number;
  /** The job is stopped and failed after this long. */
  timeoutSeconds: number;
}

/** Where a training job is, from its log lines (`epoch 2/4 step 10/375 (total 385/1500) ... eta 1m20s`). */
export interface JobProgress {
  epoch?: number;
  epochs?: number;
  step?: number;
  totalSteps?: number;
  stepsPerSecond?: number;
  etaSeconds?: number;
  /** The last log line, for people. */
  message: string;
}

export interface JobHandle {
  /** Local: the step's name in the run folder; Kubernetes: the Job's name. */
  name: string;
  runId: string;
  step: string;
  /** The run folder (the local runner keeps a job's files there). */
  workDir?: string;
}

export interface JobResult {
  state: 'succeeded' | 'failed' | 'cancelled';
  exitCode?: number;
  /** The CLI's `--json` summary (its last stdout line), when it printed one. */
  summary?: Record<string, unknown>;
  /** Why it failed, in words (exit code, deadline, eviction, the CLI's error). */
  reason?: string;
}

export interface WatchOptions {
  onLog?: (line: string) => void;
  onProgress?: (progress: JobProgress) => void;
  signal?: AbortSignal;
}

export abstract class JobRunner {
  /** Starts the step's job, or returns the one already started for it. */
  abstract start(spec: JobSpec): Promise<JobHandle>;
  /** The job started for this step, if any (after a restart); workDir is the run's folder. */
  abstract find(runId: string, step: string, workDir?: string): Promise<JobHandle | undefined>;
  /** Follows the job to its end, streaming its log and progress; resolves with its result. */
  abstract wait(handle: JobHandle, options?: WatchOptions): Promise<JobResult>;
  /** Stops the job; resolves once it is stopped (or was already gone). */
  abstract cancel(handle: JobHandle): Promise<void>;
}

const PROGRESS =
  /epoch (\d+)\/(\d+) step \d+\/\d+ \(total (\d+)\/(\d+)\).*?([\d.]+) steps\/s eta (?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?/;

/** Training progress from one log line of the training CLI; undefined for other lines. */
export function parseProgress(line: string): JobProgress | undefined {
  const m = PROGRESS.exec(line);
  if (!m) return undefined;
  const [, epoch, epochs, step, total, rate, h, min, s] = m;
  return {
    epoch: Number(epoch),
    epochs: Number(epochs),
    step: Number(step),
    totalSteps: Number(total),
    stepsPerSecond: Number(rate),
    etaSeconds: Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0),
    message: line.trim(),
  };
}
