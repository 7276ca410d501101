import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PlatformModule } from '@sentimentops/service-kit';
import { type InferenceConfig } from './inference.config.js';
import { PredictionLog } from './logging/prediction-log.js';
import { inferenceMetricProviders } from './inference.metrics.js';
import { modelArtifactCacheProvider } from './model/artifact-cache.js';
import { ModelAliasListener } from './serving/model-alias.listener.js';
import { ModelSlots } from './serving/model-slots.js';
import { predictController } from './serving/predict.controller.js';
import { StartupModelLoader } from './serving/startup-model.loader.js';

/**
 * ONNX Runtime serving of the sentiment model: one request/reply subject per served track, models
 * loaded from verified directories, swapped when the registry moves an alias.
 */
@Module({})
export class InferenceModule {
  static forRoot(config: InferenceConfig): DynamicModule {
    return {
      module: InferenceModule,
      imports: [PlatformModule.forApp(config), TerminusModule],
      controllers: config.tracks().map(predictController),
      providers: [
        ...inferenceMetricProviders,
        modelArtifactCacheProvider,
        ModelSlots,
        StartupModelLoader,
        ModelAliasListener,
        PredictionLog,
      ],
    };
  }
}
