import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@sentimentops/service-kit';
import { AdminTokenGuard } from './auth/admin-token.guard.js';
import { DriftModule } from './drift/drift.module.js';
import { FeedbackModule } from './feedback/feedback.module.js';
import { type GatewayConfig } from './gateway.config.js';
import { GrpcModule } from './grpc/grpc.module.js';
import { ModelsModule } from './models/models.module.js';
import { OipModule } from './oip/oip.module.js';
import { PipelinesModule } from './pipelines/pipelines.module.js';
import { PlatformController } from './platform/platform.controller.js';
import { PlatformService } from './platform/platform.service.js';
import { PredictModule } from './predict/predict.module.js';
import { RolloutsModule } from './rollouts/rollouts.module.js';

/**
 * The public edge: POST /predict and POST /feedback, the Open Inference Protocol v2 over REST and
 * gRPC, the sentimentops.v1 gRPC service, admin auth, and routing to the inference tracks over NATS
 * (the canary split of the active rollout).
 */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        PlatformModule.forApp(config),
        PredictModule,
        FeedbackModule,
        OipModule,
        GrpcModule,
        ModelsModule,
        DriftModule,
        PipelinesModule,
        RolloutsModule,
      ],
      controllers: [PlatformController],
      providers: [PlatformService, AdminTokenGuard],
    };
  }
}
