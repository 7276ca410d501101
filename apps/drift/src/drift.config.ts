import { DatabaseServiceConfig, EnvInt, EnvNumber, EnvPort } from '@sentimentops/config';
import { IsModelName } from '@sentimentops/contracts';
import { IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

export class DriftConfig extends DatabaseServiceConfig {
  readonly appName = 'drift';
  readonly databaseSchema = 'drift';
  get httpPort() {
    return this.DRIFT_HTTP_PORT;
  }

  @EnvPort()
  DRIFT_HTTP_PORT = 8084;

  /** The model whose champion the scheduled checks watch. */
  @IsModelName()
  DRIFT_MODEL_NAME = 'sentiment';

  /** The window a check reads: logged predictions of the last this many minutes. */
  @EnvInt(1, 7 * 24 * 60)
  DRIFT_WINDOW_MINUTES = 60;

  /** How often the scheduled check runs, in seconds; 0: only on request. */
  @EnvInt(0, 86_400)
  DRIFT_CHECK_INTERVAL_S = 300;

  /** Fewer logged predictions than this in a window: "insufficient-data", never "no-drift". */
  @EnvInt(10, 1_000_000)
  DRIFT_MIN_SAMPLES = 200;

  /** Family-wise error rate of the per-feature tests (Holm). */
  @EnvNumber() @IsNumber() @Min(0.0001) @Max(0.5) DRIFT_ALPHA = 0.05;
  /** PSI from which a significant feature counts as drifting (warn), and as an alert. */
  @EnvNumber() @IsNumber() @Min(0) @Max(10) DRIFT_PSI_WARN = 0.1;
  @EnvNumber() @IsNumber() @Min(0) @Max(10) DRIFT_PSI_ALERT = 0.2;
  /** Quantile bins of the reference for PSI. */
  @EnvInt(2, 100) DRIFT_PSI_BINS = 10;

  /** The most logged predictions one check reads (the newest of the window). */
  @EnvInt(1_000, 10_000_000)
  DRIFT_MAX_WINDOW_ROWS = 2_000_000;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ARTIFACT_GCS_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  GOOGLE_CLOUD_PROJECT?: string;
}
