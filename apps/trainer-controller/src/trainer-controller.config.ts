import { DatabaseServiceConfig, EnvPort } from '@sentimentops/config';

export class TrainerControllerConfig extends DatabaseServiceConfig {
  readonly appName = 'trainer-controller';
  readonly databaseSchema = 'trainer_controller';
  get httpPort() {
    return this.TRAINER_CONTROLLER_HTTP_PORT;
  }

  @EnvPort()
  TRAINER_CONTROLLER_HTTP_PORT = 8085;
}
