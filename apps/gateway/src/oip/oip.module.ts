import { Module } from '@nestjs/common';
import { PredictModule } from '../predict/predict.module.js';
import { OipController } from './oip.controller.js';
import { OipService } from './oip.service.js';

/**
 * The Open Inference Protocol v2: the REST routes under /v2 here, and OipService, which the gRPC
 * GRPCInferenceService shares. Bodies under /v2 are read raw (see oip-body.parser.ts).
 */
@Module({
  imports: [PredictModule],
  controllers: [OipController],
  providers: [OipService],
  exports: [OipService],
})
export class OipModule {}
