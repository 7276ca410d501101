import { Module } from '@nestjs/common';
import { PredictModule } from '../predict/predict.module.js';
import { OipController } from './oip.controller.js';
import { OipService } from './oip.service.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';

/**
 * The Open Inference Protocol v2: the REST routes under /v2 here, and OipService, which the gRPC
 * GRPCInferenceService shares. Bodies under /v2 are read raw (see oip-body.parser.ts).
 */
@Module({
  imports: [PredictModule, RateLimitModule],
  controllers: [OipController],
  providers: [OipService],
  exports: [OipService],
})
export class OipModule {}
