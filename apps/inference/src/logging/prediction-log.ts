import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Prediction,
  PredictionLogged,
  type PredictionLoggedV1,
  type Track,
} from '@sentimentops/contracts';
import { EventPublisher } from '@sentimentops/messaging';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { InferenceConfig } from '../inference.config.js';
import { InferenceMetric } from '../inference.metrics.js';
import { type LoadedModel } from '../serving/loaded-model.js';

/** Publishes in flight at once; more wait in the queue. */
const CONCURRENCY = 32;

export interface ServedBatch {
  track: Track;
  model: LoadedModel;
  texts: readonly string[];
  predictions: readonly Prediction[];
  latencyMs: number;
}

/**
 * Logs a sample of the served predictions as `prediction.logged.v1` for drift: the score, label,
 * token length, unknown-token rate and truncation of each, with model version, track and latency;
 * the raw text only when INFERENCE_CAPTURE_TEXT is on. It runs after the reply, never in its way:
 * a bounded queue, and what does not fit (NATS slow or away) is dropped and counted.
 */
@Injectable()
export class PredictionLog implements OnApplicationShutdown {
  private readonly logger = new Logger(PredictionLog.name);
  private readonly queue: PredictionLoggedV1[] = [];
  private inFlight = 0;
  private idle?: () => void;

  constructor(
    private readonly config: InferenceConfig,
    private readonly publisher: EventPublisher,
    @InjectMetric(InferenceMetric.loggedPredictions) private readonly logged: Counter<string>,
  ) {}

  /** Samples the batch and queues its events; returns at once. */
  record(batch: ServedBatch): void {
    const rate = this.config.INFERENCE_LOG_SAMPLE_RATE;
    const chosen = batch.predictions
      .map((p, i) => i)
      .filter(() => rate >= 1 || Math.random() < rate);
    if (chosen.length === 0) return;
    const texts = chosen.map((i) => batch.texts[i]);
    batch.model.profile(texts).then(
      (profiles) => {
        const occurredAt = new Date().toISOString();
        chosen.forEach((i, k) => {
          const p = batch.predictions[i];
          this.enqueue({
            predictionId: p.id,
            modelName: batch.model.ref.name,
            modelVersion: batch.model.ref.version,
            track: batch.track,
            label: p.label,
            score: p.probabilities.positive,
            tokenCount: profiles[k].tokenLength,
            unknownTokenRate: profiles[k].unknownTokenRate,
            truncated: p.truncated,
            latencyMs: batch.latencyMs,
            occurredAt,
            ...(this.config.INFERENCE_CAPTURE_TEXT ? { text: texts[k] } : {}),
          });
        });
      },
      (err: unknown) => this.logger.warn(`prediction log: profiling failed (${String(err)})`),
    );
  }

  /** Waits for what was queued to be published (or dropped) before the process exits. */
  async onApplicationShutdown() {
    if (this.inFlight === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private enqueue(event: PredictionLoggedV1) {
    if (this.queue.length >= this.config.INFERENCE_LOG_MAX_PENDING) {
      this.logged.inc({ outcome: 'dropped' });
      return;
    }
    this.queue.push(event);
    this.pump();
  }

  private pump() {
    while (this.inFlight < CONCURRENCY && this.queue.length > 0) {
      const event = this.queue.shift()!;
      this.inFlight++;
      this.publisher
        .publish(PredictionLogged, event, { messageId: event.predictionId })
        .then(
          () => this.logged.inc({ outcome: 'published' }),
          (err: unknown) => {
            this.logged.inc({ outcome: 'failed' });
            this.logger.debug?.(`prediction log: not published (${String(err)})`);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0 && this.queue.length === 0) this.idle?.();
        });
    }
  }
}
