import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@sentimentops/service-kit';
import { type TrainerControllerConfig } from './trainer-controller.config.js';
import { migrations } from './migrations/index.js';

/** Retraining pipelines as durable state machines: ingest, validate, train, evaluate, register, roll out. */
@Module({})
export class TrainerControllerModule {
  static forRoot(config: TrainerControllerConfig): DynamicModule {
    return {
      module: TrainerControllerModule,
      imports: [PlatformModule.forApp(config, { database: { migrations } })],
    };
  }
}
