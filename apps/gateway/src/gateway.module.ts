import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@sentimentops/service-kit';
import { AdminTokenGuard } from './auth/admin-token.guard.js';
import { type GatewayConfig } from './gateway.config.js';
import { GrpcModule } from './grpc/grpc.module.js';
import { OipModule } from './oip/oip.module.js';
import { PlatformController } from './platform/platform.controller.js';
import { PlatformService } from './platform/platform.service.js';

/** The public edge: REST (and gRPC with the serving capability), admin auth, routing over NATS. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forApp(config), OipModule, GrpcModule],
      controllers: [PlatformController],
      providers: [PlatformService, AdminTokenGuard],
    };
  }
}
