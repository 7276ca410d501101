import {
  type ModelStatusReply,
  type PredictReply,
  type Prediction,
  type Track,
} from '@sentimentops/contracts';
import { RequestContext } from '@sentimentops/observability';
import { randomUUID } from 'node:crypto';
import { type PredictOptions, SentimentPredictor } from '../../predict/sentiment-predictor.js';

/**
 * A SentimentPredictor for unit tests of the OIP and gRPC front doors: texts containing "good"
 * are positive, version "3" is served, and `fail` makes the next calls throw what a test wants.
 * It records each batch, its options and the request id it ran under.
 */
export class StubPredictor extends SentimentPredictor {
  version = '3';
  ready = true;
  fail?: () => Error;
  /** When set, predictions wait for it (calls in flight during a shutdown). */
  hold?: Promise<void>;
  readonly batches: string[][] = [];
  readonly requestIds: (string | undefined)[] = [];
  readonly routes: (string | undefined)[] = [];
  readonly routingKeys: (string | undefined)[] = [];

  async predict(
    texts: string[],
    options: PredictOptions = {},
  ): Promise<PredictReply & { track: Track }> {
    this.batches.push(texts);
    this.routes.push(options.route);
    this.routingKeys.push(options.routingKey);
    this.requestIds.push(RequestContext.requestId());
    await this.hold;
    if (this.fail) throw this.fail();
    return {
      predictions: texts.map(prediction),
      model: { name: 'sentiment', version: this.version },
      track: 'champion',
    };
  }

  modelStatus(): Promise<ModelStatusReply> {
    if (this.fail) return Promise.reject(this.fail());
    return Promise.resolve({
      model: { name: 'sentiment', version: this.version },
      ready: this.ready,
      maxLength: 128,
      labels: ['negative', 'positive'],
      sha256: 'a'.repeat(64),
    });
  }
}

function prediction(text: string): Prediction {
  const positive = text.includes('good') ? 0.75 : 0.25;
  return {
    id: randomUUID(),
    label: positive > 0.5 ? 'positive' : 'negative',
    score: Math.max(positive, 1 - positive),
    probabilities: { negative: 1 - positive, positive },
    truncated: false,
  };
}
