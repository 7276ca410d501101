import { DatabaseServiceConfig, EnvPort } from '@sentimentops/config';

export class DriftConfig extends DatabaseServiceConfig {
  readonly appName = 'drift';
  readonly databaseSchema = 'drift';
  get httpPort() {
    return this.DRIFT_HTTP_PORT;
  }

  @EnvPort()
  DRIFT_HTTP_PORT = 8084;
}
