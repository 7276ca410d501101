import { type ModelRef, type Prediction, type SentimentLabel } from '@sentimentops/contracts';
import { randomUUID } from 'node:crypto';
import { AdaptiveBatcher, type BatcherOptions } from '../batching/adaptive-batcher.js';
import { type ModelArtifact } from '../model/model-artifact.js';
import {
  OrtWorkerPool,
  type OrtPoolOptions,
  type TensorBatch,
} from '../runtime/ort-worker-pool.js';
import { ReviewTokenizer, type TextProfile } from '../tokenizer/review-tokenizer.js';

/** Where a loaded model reports what it does (Prometheus in the app, nothing in tests). */
export interface ModelObserver {
  tokenized(seconds: number): void;
  batch(size: number, width: number): void;
  queueDepth(depth: number): void;
  modelRun(seconds: number): void;
  /** Token positions of one batch: the texts' own, and all of them once padded. */
  tokens(real: number, padded: number): void;
}

export interface LoadOptions {
  pool: OrtPoolOptions;
  batching: BatcherOptions;
}

/** A text's prediction before it gets an id: probabilities in the card's label order. */
type Probabilities = number[];

/**
 * One model ready to serve: its tokenizer, its ONNX Runtime workers and the batcher in front of
 * them. Loading includes a warm-up run on every worker, so the first real request does not pay
 * for ONNX Runtime's first-run allocations.
 */
export class LoadedModel {
  private constructor(
    readonly artifact: ModelArtifact,
    readonly ref: ModelRef,
    private readonly tokenizer: ReviewTokenizer,
    private readonly pool: OrtWorkerPool,
    private readonly batcher: AdaptiveBatcher<number[], Probabilities>,
    private readonly observer: ModelObserver,
  ) {}

  static async load(
    artifact: ModelArtifact,
    version: string,
    options: LoadOptions,
    observer: ModelObserver,
  ): Promise<LoadedModel> {
    const { card } = artifact;
    const tokenizer = ReviewTokenizer.fromFile(
      artifact.tokenizerPath,
      card.max_length,
      card.tokenizer.unk_token_id,
    );
    const pool = await OrtWorkerPool.start(artifact.onnxPath, options.pool);
    const padId = card.tokenizer.pad_token_id;
    const labels = card.labels.length;
    const batcher = new AdaptiveBatcher<number[], Probabilities>(
      options.batching,
      {
        capacity: () => pool.idleCount(),
        run: async (rows) => {
          const batch = padBatch(rows, padId);
          const { logits, modelMs } = await pool.run(batch);
          observer.modelRun(modelMs / 1000);
          observer.tokens(
            rows.reduce((sum, row) => sum + row.length, 0),
            rows.length * batch.width,
          );
          return softmaxRows(logits, labels);
        },
      },
      {
        batch: (size, width) => observer.batch(size, width),
        queueDepth: (d) => observer.queueDepth(d),
      },
    );
    pool.whenIdle(batcher.pump);
    const model = new LoadedModel(
      artifact,
      { name: card.name, version },
      tokenizer,
      pool,
      batcher,
      observer,
    );
    await model.warmUp(options.batching.maxBatchSize);
    return model;
  }

  get labels(): SentimentLabel[] {
    return this.artifact.card.labels as SentimentLabel[];
  }

  async predict(texts: readonly string[]): Promise<Prediction[]> {
    const started = performance.now();
    const encoded = await this.tokenizer.encode(texts);
    this.observer.tokenized((performance.now() - started) / 1000);
    const probabilities = await this.batcher.submit(
      encoded.map((e) => ({ item: e.ids, length: e.ids.length })),
    );
    return encoded.map((e, i) => this.toPrediction(probabilities[i], e.truncated));
  }

  /** Token length and unknown-token rate of each text (for logged predictions; off the hot path). */
  profile(texts: readonly string[]): Promise<TextProfile[]> {
    return this.tokenizer.profile(texts);
  }

  /** Stops after what was queued has been answered; nothing in flight fails. */
  async close() {
    await this.batcher.drain();
    await this.pool.close();
  }

  private toPrediction(p: Probabilities, truncated: boolean): Prediction {
    const byLabel = Object.fromEntries(this.labels.map((l, i) => [l, p[i]])) as Record<
      SentimentLabel,
      number
    >;
    const label: SentimentLabel = byLabel.positive >= byLabel.negative ? 'positive' : 'negative';
    return {
      id: randomUUID(),
      label,
      score: byLabel[label],
      probabilities: { negative: byLabel.negative, positive: byLabel.positive },
      truncated,
    };
  }

  /** Every worker runs a short and a full-length batch before the model counts as loaded. */
  private async warmUp(maxBatchSize: number) {
    const rows = Math.min(maxBatchSize, 8);
    for (const width of [16, this.artifact.card.max_length]) {
      const batch = () => Array.from({ length: rows }, () => Array<number>(width).fill(1));
      await Promise.all(
        Array.from({ length: this.pool.size }, () =>
          this.pool.run(padBatch(batch(), this.artifact.card.tokenizer.pad_token_id)),
        ),
      );
    }
  }
}

/** Right-padded int64 tensors of the batch's own longest row, with the attention mask. */
export function padBatch(rows: readonly number[][], padId: number): TensorBatch {
  const width = Math.max(1, ...rows.map((r) => r.length));
  const inputIds = new BigInt64Array(rows.length * width).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows.length * width);
  rows.forEach((ids, r) => {
    for (let c = 0; c < ids.length; c++) {
      inputIds[r * width + c] = BigInt(ids[c]);
      attentionMask[r * width + c] = 1n;
    }
  });
  return { inputIds, attentionMask, rows: rows.length, width };
}

/** Row-wise softmax of [rows, labels] logits, stable for large logits. */
export function softmaxRows(logits: Float32Array, labels: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < logits.length / labels; r++) {
    const row = Array.from(logits.subarray(r * labels, (r + 1) * labels));
    const max = Math.max(...row);
    const exp = row.map((v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    out.push(exp.map((v) => v / sum));
  }
  return out;
}
