import {
  DatabaseServiceConfig,
  EnvBoolean,
  EnvInt,
  EnvNumber,
  EnvPort,
} from '@sentimentops/config';
import { IsModelName } from '@sentimentops/contracts';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import path from 'node:path';

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

  /** Whether this process executes runs (every replica may; the lease picks one per run). */
  @EnvBoolean()
  @IsBoolean()
  TRAINER_EXECUTE = true;

  /** A cron expression for scheduled runs (e.g. "0 3 * * 1"); unset: none. */
  @IsOptional()
  @IsString()
  TRAINER_SCHEDULE?: string;

  // The Kubernetes runner (TRAINER_JOB_RUNNER=kubernetes): where and how training Jobs run.
  @IsString() TRAINER_K8S_NAMESPACE = 'sentimentops';
  @IsOptional() @IsString() TRAINER_K8S_IMAGE?: string;
  @IsString() TRAINER_K8S_SERVICE_ACCOUNT = 'sentimentops-training';
  @IsString() TRAINER_K8S_GPU_ACCELERATOR = 'nvidia-l4';
  /** The PVC holding run folders, mounted at TRAINER_WORK_DIR in the Job. */
  @IsOptional() @IsString() TRAINER_K8S_WORK_CLAIM?: string;

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

  trainingOverrides(): string[] {
    return (this.TRAINER_SET ?? '').split(/\s+/).filter(Boolean);
  }
}
