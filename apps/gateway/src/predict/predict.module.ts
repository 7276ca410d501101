import { Module } from '@nestjs/common';
import { RolloutsModule } from '../rollouts/rollouts.module.js';
import { InferenceClient } from './inference.client.js';
import { PredictController } from './predict.controller.js';
import { predictMetricProviders } from './predict.metrics.js';
import { SentimentPredictor } from './sentiment-predictor.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';

/**
 * Predictions for every front door: the SentimentPredictor (routing each batch to a track, by the
 * active rollout) and the REST /predict route.
 */
@Module({
  imports: [RolloutsModule, RateLimitModule],
  controllers: [PredictController],
  providers: [
    ...predictMetricProviders,
    { provide: SentimentPredictor, useClass: InferenceClient },
  ],
  exports: [SentimentPredictor],
})
export class PredictModule {}
