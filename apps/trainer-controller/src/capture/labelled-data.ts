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

export interface LabelledRow {
  seq: number;
  text: string;
  label: string;
}

/**
 * New labelled data for retraining: feedback that carries its text, and feedback on a prediction
 * whose text was captured (INFERENCE_CAPTURE_TEXT). Each event is stored once, acknowledged after.
 */
@Injectable()
export class LabelledData implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumers: EventConsumers,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: FeedbackReceived,
      durable: 'trainer-feedback',
      handler: (e) => this.storeFeedback(e),
    });
    this.consumers.register({
      contract: PredictionLogged,
      durable: 'trainer-captured-predictions',
      handler: (e) => this.storePrediction(e),
    });
  }

  async storeFeedback(e: FeedbackReceivedV1) {
    await this.dataSource.query(
      `INSERT INTO feedback_label (feedback_id, prediction_id, text, label, occurred_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (feedback_id) DO NOTHING`,
      [e.feedbackId, e.predictionId ?? null, e.text ?? null, e.label, e.occurredAt],
    );
  }

  async storePrediction(e: PredictionLoggedV1) {
    if (e.text === undefined) return; // captured texts only
    await this.dataSource.query(
      `INSERT INTO captured_prediction (prediction_id, text, occurred_at) VALUES ($1, $2, $3)
       ON CONFLICT (prediction_id) DO NOTHING`,
      [e.predictionId, e.text, e.occurredAt],
    );
  }

  /** Labelled rows with a text, after `afterSeq` (the last run's watermark), oldest first. */
  rowsAfter(afterSeq: number, limit: number): Promise<LabelledRow[]> {
    return this.dataSource
      .query<{ seq: string; text: string; label: string }[]>(
        `SELECT f.seq, COALESCE(f.text, c.text) AS text, f.label
         FROM feedback_label f LEFT JOIN captured_prediction c ON c.prediction_id = f.prediction_id
         WHERE f.seq > $1 AND COALESCE(f.text, c.text) IS NOT NULL
         ORDER BY f.seq LIMIT $2`,
        [afterSeq, limit],
      )
      .then((rows) => rows.map((r) => ({ seq: Number(r.seq), text: r.text, label: r.label })));
  }
}
