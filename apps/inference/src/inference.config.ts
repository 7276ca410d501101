import { EnvBoolean, EnvInt, EnvNumber, EnvPort, ServiceConfig } from '@sentimentops/config';
import { IsModelName, IsModelVersion, TRACKS, type Track } from '@sentimentops/contracts';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type ModelVariant } from './model/model-artifact.js';

export class InferenceConfig extends ServiceConfig {
  readonly appName = 'inference';
  get httpPort() {
    return this.INFERENCE_HTTP_PORT;
  }

  @EnvPort()
  INFERENCE_HTTP_PORT = 8082;

  /**
   * The model directory (path, file:// or gs:// URI) served until the registry names a version
   * for a track; locally the bundled demo model.
   */
  @IsString()
  @MinLength(1)
  INFERENCE_MODEL_DIR = 'models/sentiment-demo';

  /**
   * Where model directories named by gs:// URIs are downloaded, one folder per URI (its sha256);
   * <SENTIMENTOPS_STATE_DIR>/model-cache when unset.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  INFERENCE_MODEL_CACHE_DIR?: string;

  /** The platform's local state (the local stack sets it). */
  @IsString()
  @MinLength(1)
  SENTIMENTOPS_STATE_DIR = '.sentimentops';

  /** A Cloud Storage endpoint other than Google's (fake-gcs-server in tests); unset in a cluster. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+\/?$/, { message: 'must be an http(s):// origin' })
  ARTIFACT_GCS_ENDPOINT?: string;

  /** Cloud Storage's project; in a cluster the credentials (Workload Identity) name it. */
  @IsOptional()
  @IsString()
  GOOGLE_CLOUD_PROJECT?: string;

  /** The registered model whose aliases this process serves. */
  @IsModelName()
  INFERENCE_MODEL_NAME = 'sentiment';

  /**
   * At start, how long to wait for the registry to say which versions `champion` and
   * `challenger` name (it may be starting too). Without an answer, or with 0, INFERENCE_MODEL_DIR
   * is served until the registry's next alias change.
   */
  @EnvInt(0, 600)
  INFERENCE_REGISTRY_WAIT_S = 60;

  /** The version reported for INFERENCE_MODEL_DIR (the registry's versions replace it). */
  @IsModelVersion()
  INFERENCE_MODEL_VERSION = '1';

  /** Which ONNX file of a model directory to run: model.onnx, or the card's int8 model. */
  @IsIn(['fp32', 'int8'])
  INFERENCE_MODEL_VARIANT: ModelVariant = 'fp32';

  /** Tracks this process serves (comma-separated): both locally, one per deployment in a cluster. */
  @Matches(/^(champion|challenger)(,(champion|challenger))?$/, {
    message: 'must be "champion", "challenger" or "champion,challenger"',
  })
  INFERENCE_TRACKS = 'champion,challenger';

  /** Worker threads, one ONNX Runtime session each, per loaded model. */
  @EnvInt(1, 64)
  INFERENCE_WORKERS = 1;

  /** Threads inside one session run; 0 = the machine's cores shared among the workers. */
  @EnvInt(0, 256)
  INFERENCE_INTRA_OP_THREADS = 0;

  @EnvInt(1, 64)
  INFERENCE_INTER_OP_THREADS = 1;

  /** ONNX Runtime threads spin-wait for work: faster only where inference has the cores to itself. */
  @EnvBoolean()
  @IsBoolean()
  INFERENCE_ORT_SPINNING = false;

  @EnvInt(1, 1024)
  INFERENCE_MAX_BATCH_SIZE = 32;

  /** Longest a text waits for others to share its batch (only when more are expected). */
  @EnvInt(0, 1000)
  INFERENCE_MAX_QUEUE_DELAY_MS = 5;

  /** Texts waiting at most; beyond it requests are refused with RESOURCE_EXHAUSTED (HTTP 429). */
  @EnvInt(1, 1_000_000)
  INFERENCE_MAX_QUEUE = 2048;

  /** Padding a batch may carry, as padded cells over real tokens (see AdaptiveBatcher). */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? Number(value) : value))
  @IsNumber()
  @Min(1)
  @Max(100)
  INFERENCE_MAX_PADDING_RATIO = 1.5;

  /** Share of served predictions logged as prediction.logged.v1 for drift (0 to 1). */
  @EnvNumber()
  @IsNumber()
  @Min(0)
  @Max(1)
  INFERENCE_LOG_SAMPLE_RATE = 1;

  /** Logged predictions carry their raw text only when this is on (data capture). */
  @EnvBoolean()
  @IsBoolean()
  INFERENCE_CAPTURE_TEXT = false;

  /** Logged predictions waiting to be published; beyond it they are dropped (and counted). */
  @EnvInt(100, 1_000_000)
  INFERENCE_LOG_MAX_PENDING = 10_000;

  tracks(): Track[] {
    return TRACKS.filter((t) => this.INFERENCE_TRACKS.split(',').includes(t));
  }

  modelCacheDir(): string {
    return resolve(
      this.INFERENCE_MODEL_CACHE_DIR ?? join(this.SENTIMENTOPS_STATE_DIR, 'model-cache'),
    );
  }

  intraOpThreads(): number {
    if (this.INFERENCE_INTRA_OP_THREADS > 0) return this.INFERENCE_INTRA_OP_THREADS;
    return Math.max(1, Math.floor(availableParallelism() / this.INFERENCE_WORKERS));
  }
}
