import { DatabaseServiceConfig, EnvPort } from '@sentimentops/config';

export class RegistryConfig extends DatabaseServiceConfig {
  readonly appName = 'registry';
  readonly databaseSchema = 'registry';
  get httpPort() {
    return this.REGISTRY_HTTP_PORT;
  }

  @EnvPort()
  REGISTRY_HTTP_PORT = 8083;
}
