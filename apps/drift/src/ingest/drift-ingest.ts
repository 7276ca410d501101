import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  FeedbackReceived,
  type FeedbackReceivedV1,
  PredictionLogged,
  type PredictionLoggedV1,
} from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import type { DataSource } from 'typeorm';

/**
 * Stores the logged predictions and the feedback that drift's windows are made of. Each event is
 * written once (its id is the key), and acknowledged only after the row is stored.
 */
@Injectable()
export class DriftIngest implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumers: EventConsumers,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: PredictionLogged,
      durable: 'drift-predictions',
      handler: (event) => this.storePrediction(event),
    });
    this.consumers.register({
      contract: FeedbackReceived,
      durable: 'drift-feedback',
      handler: (event) => this.storeFeedback(event),
    });
  }

  async storePrediction(e: PredictionLoggedV1) {
    await this.dataSource.query(
      `INSERT INTO logged_prediction (prediction_id, model_name, model_version, track, label, score,
         token_count, unknown_token_rate, truncated, latency_ms, occurred_at, text)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (prediction_id) DO NOTHING`,
      [
        e.predictionId,
        e.modelName,
        Number(e.modelVersion),
        e.track,
        e.label,
        e.score,
        e.tokenCount,
        e.unknownTokenRate,
        e.truncated,
        e.latencyMs,
        e.occurredAt,
        e.text ?? null,
      ],
    );
  }

  async storeFeedback(e: FeedbackReceivedV1) {
    await this.dataSource.query(
      `INSERT INTO feedback (feedback_id, prediction_id, text, label, source, actor, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (feedback_id) DO NOTHING`,
      [
        e.feedbackId,
        e.predictionId ?? null,
        e.text ?? null,
        e.label,
        e.source,
        e.actor ?? null,
        e.occurredAt,
      ],
    );
  }
}
