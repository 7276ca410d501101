import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@sentimentops/service-kit';
import { type InferenceConfig } from './inference.config.js';

/** ONNX Runtime serving of the sentiment model (the model itself arrives with the serving capability). */
@Module({})
export class InferenceModule {
  static forRoot(config: InferenceConfig): DynamicModule {
    return { module: InferenceModule, imports: [PlatformModule.forApp(config)] };
  }
}
