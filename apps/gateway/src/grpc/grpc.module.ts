import { Module } from '@nestjs/common';
import { OipModule } from '../oip/oip.module.js';
import { PredictModule } from '../predict/predict.module.js';
import { GrpcServer } from './grpc.server.js';
import { HealthGrpcService } from './health.grpc-service.js';
import { InferenceGrpcService } from './inference.grpc-service.js';
import { SentimentGrpcService } from './sentiment.grpc-service.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';

/**
 * gRPC on GATEWAY_GRPC_PORT: inference.GRPCInferenceService (OIP v2), sentimentops.v1
 * SentimentService and grpc.health.v1.Health, over grpc-js (Nest's gRPC transport would make the
 * gateway a hybrid app with a second microservice lifecycle for no gain).
 */
@Module({
  imports: [OipModule, PredictModule, RateLimitModule],
  providers: [GrpcServer, InferenceGrpcService, SentimentGrpcService, HealthGrpcService],
  exports: [GrpcServer],
})
export class GrpcModule {}
