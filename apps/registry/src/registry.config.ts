import { DatabaseServiceConfig, EnvInt, EnvNumber, EnvPort } from '@sentimentops/config';
import { IsModelName } from '@sentimentops/contracts';
import { IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

export class RegistryConfig extends DatabaseServiceConfig {
  readonly appName = 'registry';
  readonly databaseSchema = 'registry';
  get httpPort() {
    return this.REGISTRY_HTTP_PORT;
  }

  @EnvPort()
  REGISTRY_HTTP_PORT = 8083;

  /** The model the platform serves; registered (with its first version) at first start. */
  @IsModelName()
  REGISTRY_MODEL_NAME = 'sentiment';

  /**
   * Registered as version 1 and made `champion` when the model has no version yet: the bundled
   * demo model (a path relative to the working directory, file:// or gs://). Empty: none.
   */
  @IsString()
  REGISTRY_BOOTSTRAP_MODEL_URI = 'models/sentiment-demo';

  // The promotion gate: a version becomes `challenger` only if, on this test set, it reaches the
  // floors and falls at most REGISTRY_GATE_MAX_REGRESSION below the champion on the same texts.
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/)
  REGISTRY_GATE_TEST_SET = 'handwritten';

  @EnvNumber() @IsNumber() @Min(0) @Max(1) REGISTRY_GATE_MIN_ACCURACY = 0.8;
  @EnvNumber() @IsNumber() @Min(0) @Max(1) REGISTRY_GATE_MIN_MACRO_F1 = 0.8;
  @EnvNumber() @IsNumber() @Min(0) @Max(1) REGISTRY_GATE_MAX_REGRESSION = 0.01;

  /** A model card larger than this is refused without being read whole. */
  @EnvInt(1024, 64 * 1024 * 1024)
  REGISTRY_MAX_CARD_BYTES = 4 * 1024 * 1024;

  /** MLflow tracking server that mirrors the registry (models, versions, aliases). Unset: none. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  MLFLOW_TRACKING_URI?: string;

  /** MLflow's credentials, when its server asks for them: a bearer token, or user and password. */
  @IsOptional() @IsString() MLFLOW_TRACKING_TOKEN?: string;
  @IsOptional() @IsString() MLFLOW_TRACKING_USERNAME?: string;
  @IsOptional() @IsString() MLFLOW_TRACKING_PASSWORD?: string;

  /** How often the whole model is reconciled with MLflow (besides at start), in seconds. */
  @EnvInt(10, 86_400)
  REGISTRY_MLFLOW_RECONCILE_S = 600;

  /** Cloud Storage endpoint other than Google's (fake-gcs-server); unset in a cluster. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  ARTIFACT_GCS_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  GOOGLE_CLOUD_PROJECT?: string;
}
