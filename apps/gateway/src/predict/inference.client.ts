import { Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  modelStatusContract,
  ServiceException,
  predictContract,
  type ModelStatusReply,
  type PredictReply,
  type Track,
} from '@sentimentops/contracts';
import { NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { GatewayConfig } from '../gateway.config.js';
import { PredictMetric } from './predict.metrics.js';
import { SentimentPredictor } from './sentiment-predictor.js';

/** Failures another replica may not share: the request is sent once more. */
const RETRYABLE = new Set<ErrorCode>([ErrorCode.DeadlineExceeded, ErrorCode.Unavailable]);

/**
 * Predictions over NATS request/reply, one subject per track served by a queue group of inference
 * replicas. A timeout or "no responders" is retried once: a replica that died or stalled mid-swap
 * should cost one request a retry, not an error.
 */
@Injectable()
export class InferenceClient extends SentimentPredictor {
  private readonly logger = new Logger(InferenceClient.name);

  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
    @InjectMetric(PredictMetric.requests) private readonly requests: Counter<string>,
    @InjectMetric(PredictMetric.duration) private readonly duration: Histogram<string>,
  ) {
    super();
  }

  async predict(
    texts: string[],
    { route = 'unknown' }: { route?: string } = {},
  ): Promise<PredictReply & { track: Track }> {
    // Canary routing (a share of batches to the challenger) arrives with rollouts.
    const track: Track = 'champion';
    const started = performance.now();
    const labels = { route, track, status: 'OK', model_version: '' };
    try {
      const reply = await this.withRetry(track, () =>
        this.requester.request(
          predictContract(track),
          { texts },
          this.config.GATEWAY_PREDICT_TIMEOUT_MS,
        ),
      );
      labels.model_version = reply.model.version;
      return { ...reply, track };
    } catch (err) {
      labels.status = err instanceof ServiceException ? err.code : ErrorCode.Internal;
      throw err;
    } finally {
      this.requests.inc(labels);
      this.duration.observe(labels, (performance.now() - started) / 1000);
    }
  }

  modelStatus(track: Track = 'champion'): Promise<ModelStatusReply> {
    return this.withRetry(track, () =>
      this.requester.request(
        modelStatusContract(track),
        {},
        this.config.GATEWAY_PREDICT_TIMEOUT_MS,
      ),
    );
  }

  private async withRetry<T>(track: Track, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof RemoteCallError) || !RETRYABLE.has(err.code)) throw err;
      this.logger.warn(`retrying once on track ${track}: ${err.message}`);
      return call().catch((retryErr: unknown) => {
        throw noModelIfUnavailable(retryErr);
      });
    }
  }
}

/** "No responders" twice means no replica serves the track: say so in the client's terms. */
function noModelIfUnavailable(err: unknown): unknown {
  if (err instanceof RemoteCallError && err.code === ErrorCode.Unavailable)
    return new RemoteCallError(ErrorCode.Unavailable, `no model is serving: ${err.message}`);
  return err;
}
