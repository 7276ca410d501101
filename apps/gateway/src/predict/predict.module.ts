import { Module } from '@nestjs/common';
import { InferenceClient } from './inference.client.js';
import { SentimentPredictor } from './sentiment-predictor.js';

/** Predictions for every front door: the SentimentPredictor and the REST /predict route. */
@Module({
  providers: [{ provide: SentimentPredictor, useClass: InferenceClient }],
  exports: [SentimentPredictor],
})
export class PredictModule {}
