import { Module } from '@nestjs/common';
import { InferenceClient } from './inference.client.js';
import { PredictController } from './predict.controller.js';
import { predictMetricProviders } from './predict.metrics.js';
import { SentimentPredictor } from './sentiment-predictor.js';

/** Predictions for every front door: the SentimentPredictor and the REST /predict route. */
@Module({
  controllers: [PredictController],
  providers: [
    ...predictMetricProviders,
    { provide: SentimentPredictor, useClass: InferenceClient },
  ],
  exports: [SentimentPredictor],
})
export class PredictModule {}
