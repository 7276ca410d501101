import { type ModelStatusReply, type PredictReply, type Track } from '@sentimentops/contracts';

/** The registered model every front door serves (and rollouts of which the gateway applies). */
export const SERVED_MODEL_NAME = 'sentiment';

/** A caller's key for sticky canary routing: REST header and gRPC metadata of this name. */
export const ROUTING_KEY_HEADER = 'x-sentimentops-routing-key';

export interface PredictOptions {
  /** The front door in metrics (e.g. "/predict", "grpc ModelInfer"). */
  route?: string;
  /**
   * Keeps one caller on one track during a sticky rollout (e.g. a user or session id); without
   * one, each batch is routed by chance.
   */
  routingKey?: string;
}

/** The routing key a caller sent, if any: a header's (first) value, unless empty. */
export function routingKeyOf(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

/**
 * What every front door (REST /predict, OIP v2 over REST and gRPC, sentimentops.v1 gRPC) calls:
 * predictions for a batch of texts, and the status of the model that would answer them. Failures
 * are ServiceExceptions whose code each front door maps to its own status (HTTP, gRPC).
 */
export abstract class SentimentPredictor {
  /** One batch goes to one track as a unit; the track is chosen here (canary routing). */
  abstract predict(
    texts: string[],
    options?: PredictOptions,
  ): Promise<PredictReply & { track: Track }>;

  /** The model the given track (default: champion) serves, as its inference replicas report it. */
  abstract modelStatus(track?: Track): Promise<ModelStatusReply>;
}
