import { type ModelStatusReply, type PredictReply, type Track } from '@sentimentops/contracts';

/**
 * What every front door (REST /predict, OIP v2 over REST and gRPC, sentimentops.v1 gRPC) calls:
 * predictions for a batch of texts, and the status of the model that would answer them. Failures
 * are ServiceExceptions whose code each front door maps to its own status (HTTP, gRPC).
 */
export abstract class SentimentPredictor {
  /**
   * One batch goes to one track as a unit; the track is chosen here (canary routing). `route`
   * names the front door in metrics (e.g. "/predict", "grpc ModelInfer").
   */
  abstract predict(
    texts: string[],
    options?: { route?: string },
  ): Promise<PredictReply & { track: Track }>;

  /** The model the given track (default: champion) serves, as its inference replicas report it. */
  abstract modelStatus(track?: Track): Promise<ModelStatusReply>;
}
