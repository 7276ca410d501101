import {
  DatabaseServiceConfig,
  EnvBoolean,
  EnvInt,
  EnvNumber,
  EnvPort,
} from '@sentimentops/config';
import { IsModelName, ROLLOUT_MODES, type RolloutMode } from '@sentimentops/contracts';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import path from 'node:path';
import { type AnalysisPolicy } from './rollouts/rollout-analysis.js';
import { parseSteps, stepsProblem } from './rollouts/rollout-plan.js';

const IsRolloutSteps = () =>
  ValidateBy({
    name: 'isRolloutSteps',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && !stepsProblem(parseSteps(v)),
      defaultMessage: () => 'must be increasing percents ending at 100, such as "5,25,50,100"',
    },
  });

export class TrainerControllerConfig extends DatabaseServiceConfig {
  readonly appName = 'trainer-controller';
  readonly databaseSchema = 'trainer_controller';
  get httpPort() {
    return this.TRAINER_CONTROLLER_HTTP_PORT;
  }

  @EnvPort()
  TRAINER_CONTROLLER_HTTP_PORT = 8085;

  /** The model the pipeline retrains and registers. */
  @IsModelName()
  TRAINER_MODEL_NAME = 'sentiment';

  /** The training configuration every run uses (the base data and the model's settings). */
  @IsString()
  @MinLength(1)
  TRAINER_CONFIG = 'training/configs/demo.yaml';

  /** Extra `--set key.path=value` overrides for every step, space-separated. */
  @IsOptional()
  @IsString()
  TRAINER_SET?: string;

  /** Where runs keep their folders (dataset, checkpoints, model, job logs). */
  @IsOptional()
  @IsString()
  TRAINER_WORK_DIR?: string;

  @IsString()
  SENTIMENTOPS_STATE_DIR = '.sentimentops';

  /** Where a step's job runs: a local process, or a Kubernetes Job on the GPU pool. */
  @IsIn(['local', 'kubernetes'])
  TRAINER_JOB_RUNNER: 'local' | 'kubernetes' = 'local';

  /** The training CLI's Python for the local runner (the project's venv). */
  @IsOptional()
  @IsString()
  TRAINER_PYTHON?: string;

  @IsOptional()
  @IsString()
  SENTIMENTOPS_VENV?: string;

  /** GPUs a training job asks for (a cluster's GPU pool; 0 runs on CPU). */
  @EnvInt(0, 8)
  TRAINER_GPUS = 0;

  /** A job that runs longer is stopped and its step fails. */
  @EnvInt(60, 7 * 24 * 3600)
  TRAINER_JOB_TIMEOUT_S = 6 * 3600;

  /** New labelled rows a run needs; with fewer it stops (skipped) instead of retraining. */
  @EnvInt(1, 10_000_000)
  TRAINER_MIN_NEW_ROWS = 50;

  @EnvInt(1, 10_000_000)
  TRAINER_MAX_NEW_ROWS = 1_000_000;

  /** Where new labelled files (CSV/TSV, JSONL, Parquet) are dropped; a run takes them in. */
  @IsOptional()
  @IsString()
  TRAINER_INBOX?: string;

  /**
   * Where dataset versions are stored (a folder or gs://bucket/prefix); each run's dataset is
   * the last successful run's plus the new rows. Default: `<TRAINER_WORK_DIR>/datasets`.
   */
  @IsOptional()
  @IsString()
  TRAINER_DATASET_STORE?: string;

  // Candidate against champion, on macro-F1 over the same test rows: on the rows this run added
  // (the new data, often a new domain) the candidate must gain at least TRAINER_MIN_IMPROVEMENT;
  // on the rest it may lose at most TRAINER_MAX_REGRESSION. Otherwise the run ends `rejected`.
  @EnvNumber() @IsNumber() @Min(-1) @Max(1) TRAINER_MIN_IMPROVEMENT = 0;
  @EnvNumber() @IsNumber() @Min(0) @Max(1) TRAINER_MAX_REGRESSION = 0.02;

  /**
   * Whether TRAINER_CONFIG has a `pretrain:` section: each run then pretrains the encoder (masked
   * LM, a GPU job like training) between the tokenizer and training. Set it with such a config:
   * without the step, `train` refuses to start (it names the missing step).
   */
  @EnvBoolean()
  @IsBoolean()
  TRAINER_PRETRAIN = false;

  /** Whether this process executes runs (every replica may; the lease picks one per run). */
  @EnvBoolean()
  @IsBoolean()
  TRAINER_EXECUTE = true;

  /** A cron expression for scheduled runs (e.g. "0 3 * * 1"); unset: none. */
  @IsOptional()
  @IsString()
  TRAINER_SCHEDULE?: string;

  /** A run whose version became challenger starts its canary rollout (else it waits for a person). */
  @EnvBoolean()
  @IsBoolean()
  TRAINER_AUTO_ROLLOUT = true;

  // Canary rollouts: the settings a rollout started without them gets (percents of batches per
  // step, seconds between analyses, ...), and the thresholds its analysis judges by.
  @IsRolloutSteps() ROLLOUT_STEPS = '5,25,50,100';
  @EnvInt(1, 86_400) ROLLOUT_INTERVAL_S = 60;
  @IsIn(ROLLOUT_MODES) ROLLOUT_MODE: RolloutMode = 'canary';
  /** Percent of the champion's batches also sent to the challenger, to compare their answers. */
  @EnvInt(0, 100) ROLLOUT_MIRROR_PERCENT = 10;
  @EnvBoolean() @IsBoolean() ROLLOUT_STICKY = false;
  /** Where promotions and rollbacks are sent as alerts (e.g. http://alertmanager:9093); unset: logged. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ALERTMANAGER_URL?: string;
  /** A challenger track that does not serve the version this long after the start rolls it back. */
  @EnvInt(1, 86_400) ROLLOUT_READY_TIMEOUT_S = 300;
  /** Failed checks (over the whole rollout) that roll it back. */
  @EnvInt(1, 100) ROLLOUT_FAILURE_THRESHOLD = 2;
  /** Challenger requests an interval needs to be judged at all (fewer: inconclusive). */
  @EnvInt(1, 10_000_000) ROLLOUT_MIN_REQUESTS = 20;
  @EnvNumber() @IsNumber() @Min(0) @Max(1) ROLLOUT_MAX_ERROR_RATE = 0.01;
  @EnvNumber() @IsNumber() @Min(1) ROLLOUT_MAX_P99_MS = 1000;
  /** The challenger's p99 may be at most the champion's times this, plus the slack. */
  @EnvNumber() @IsNumber() @Min(1) ROLLOUT_MAX_P99_RATIO = 1.5;
  @EnvNumber() @IsNumber() @Min(0) ROLLOUT_P99_SLACK_MS = 20;
  /** Share of the texts both tracks scored that they must label alike. */
  @EnvNumber() @IsNumber() @Min(0) @Max(1) ROLLOUT_MIN_AGREEMENT = 0.9;
  @EnvInt(1, 10_000_000) ROLLOUT_MIN_COMPARED = 20;
  @EnvNumber() @IsNumber() @Min(0) ROLLOUT_MAX_SCORE_PSI = 0.25;
  /** Scored texts per track before PSI is judged: below a few hundred its noise alone nears 0.25. */
  @EnvInt(1, 10_000_000) ROLLOUT_MIN_SCORED = 200;
  /** Feedback-labelled predictions per version before live accuracy is compared. */
  @EnvInt(1, 10_000_000) ROLLOUT_MIN_LABELLED = 30;
  @EnvNumber() @IsNumber() @Min(0) @Max(1) ROLLOUT_MAX_ACCURACY_DROP = 0.05;

  // The Kubernetes runner (TRAINER_JOB_RUNNER=kubernetes): where and how training Jobs run.
  @IsString() TRAINER_K8S_NAMESPACE = 'sentimentops';
  @IsOptional() @IsString() TRAINER_K8S_IMAGE?: string;
  @IsString() TRAINER_K8S_SERVICE_ACCOUNT = 'sentimentops-training';
  @IsString() TRAINER_K8S_GPU_ACCELERATOR = 'nvidia-l4';
  /** The PVC holding run folders, mounted at TRAINER_WORK_DIR in the Job. */
  @IsOptional() @IsString() TRAINER_K8S_WORK_CLAIM?: string;
  /**
   * Where training runs are tracked. A local job inherits the controller's environment; a
   * Kubernetes Job gets these two explicitly (unset: the job tracks nothing).
   */
  @IsOptional() @IsString() MLFLOW_TRACKING_URI?: string;
  @IsOptional() @IsString() MLFLOW_EXPERIMENT_NAME?: string;

  workRoot(): string {
    return path.resolve(
      this.TRAINER_WORK_DIR ?? path.join(this.SENTIMENTOPS_STATE_DIR, 'pipelines'),
    );
  }

  python(): string {
    return path.resolve(
      this.TRAINER_PYTHON ?? path.join(this.SENTIMENTOPS_VENV ?? '.cache/venv', 'bin', 'python'),
    );
  }

  datasetStore(): string {
    return this.TRAINER_DATASET_STORE ?? path.join(this.workRoot(), 'datasets');
  }

  rolloutSteps(): number[] {
    return parseSteps(this.ROLLOUT_STEPS);
  }

  rolloutPolicy(): AnalysisPolicy {
    return {
      minRequests: this.ROLLOUT_MIN_REQUESTS,
      maxErrorRate: this.ROLLOUT_MAX_ERROR_RATE,
      maxP99Ms: this.ROLLOUT_MAX_P99_MS,
      maxP99Ratio: this.ROLLOUT_MAX_P99_RATIO,
      p99SlackMs: this.ROLLOUT_P99_SLACK_MS,
      minAgreement: this.ROLLOUT_MIN_AGREEMENT,
      minCompared: this.ROLLOUT_MIN_COMPARED,
      maxScorePsi: this.ROLLOUT_MAX_SCORE_PSI,
      minScored: this.ROLLOUT_MIN_SCORED,
      minLabelled: this.ROLLOUT_MIN_LABELLED,
      maxAccuracyDrop: this.ROLLOUT_MAX_ACCURACY_DROP,
    };
  }

  /** What every Kubernetes training Job's environment carries from the controller's. */
  jobEnv(): Record<string, string> {
    return Object.fromEntries(
      (['MLFLOW_TRACKING_URI', 'MLFLOW_EXPERIMENT_NAME'] as const)
        .filter((name) => this[name])
        .map((name) => [name, this[name]!]),
    );
  }

  trainingOverrides(): string[] {
    return (this.TRAINER_SET ?? '').split(/\s+/).filter(Boolean);
  }
}
