import { EnvPort, ServiceConfig } from '@sentimentops/config';

export class InferenceConfig extends ServiceConfig {
  readonly appName = 'inference';
  get httpPort() {
    return this.INFERENCE_HTTP_PORT;
  }

  @EnvPort()
  INFERENCE_HTTP_PORT = 8082;
}
