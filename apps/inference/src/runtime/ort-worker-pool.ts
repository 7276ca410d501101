import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** The worker script, found from the working directory as processes run from the repo or image root. */
const WORKER_SCRIPT = join('apps', 'inference', 'src', 'runtime', 'ort-worker.mjs');

export interface OrtPoolOptions {
  /** Worker threads, one session each; batches run in parallel up to this many. */
  workers: number;
  intraOpThreads: number;
  interOpThreads: number;
  /**
   * Let ONNX Runtime's threads spin between runs: lower latency on a machine of its own, wasted
   * cores where the gateway, NATS and other replicas share them.
   */
  spinning: boolean;
}

/** A padded batch: row-major int64 tensors of shape [rows, width]. */
export interface TensorBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  rows: number;
  width: number;
}

export interface BatchResult {
  /** [rows, labels] row-major. */
  logits: Float32Array;
  /** Time inside session.run(), as the worker measured it. */
  modelMs: number;
}

interface Job {
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; logits: Float32Array; modelMs: number }
  | { type: 'error'; id: number; message: string };

/** One worker thread and the batch it is running, if any. */
class SessionWorker {
  job?: Job;
  private nextId = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type !== 'result' && m.type !== 'error') return;
      const job = this.job;
      this.job = undefined;
      if (m.type === 'result') job?.resolve({ logits: m.logits, modelMs: m.modelMs });
      else job?.reject(new Error(`onnxruntime: ${m.message}`));
    });
  }

  static start(modelPath: string, options: OrtPoolOptions): Promise<SessionWorker> {
    const script = join(process.cwd(), WORKER_SCRIPT);
    if (!existsSync(script)) throw new Error(`ONNX Runtime worker script not found at ${script}`);
    const worker = new Worker(script, {
      workerData: {
        modelPath,
        sessionOptions: {
          graphOptimizationLevel: 'all',
          executionMode: 'sequential',
          intraOpNumThreads: options.intraOpThreads,
          interOpNumThreads: options.interOpThreads,
          // Session config entries (onnxruntime_session_options_config_keys.h), flattened by the binding.
          extra: {
            session: {
              intra_op: { allow_spinning: options.spinning ? '1' : '0' },
              inter_op: { allow_spinning: options.spinning ? '1' : '0' },
            },
          },
        },
      },
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`ONNX Runtime worker exited (${code})`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (m: WorkerMessage) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        if (m.type === 'ready') resolve(new SessionWorker(worker));
        else if (m.type === 'failed') reject(new Error(`cannot load ${modelPath}: ${m.message}`));
        else reject(new Error(`ONNX Runtime worker sent ${m.type} before ready`));
      });
    });
  }

  run(batch: TensorBatch): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.job = { resolve, reject };
      // The buffers move to the worker (no copy); the caller does not use them after this.
      this.worker.postMessage(
        {
          id: this.nextId++,
          inputIds: batch.inputIds,
          attentionMask: batch.attentionMask,
          dims: [batch.rows, batch.width],
        },
        [batch.inputIds.buffer as ArrayBuffer, batch.attentionMask.buffer as ArrayBuffer],
      );
    });
  }

  onExit(listener: (code: number) => void) {
    this.worker.on('exit', listener);
  }

  terminate() {
    return this.worker.terminate();
  }
}

/**
 * ONNX Runtime sessions of one model, one per worker thread. A worker runs one batch at a time;
 * the batcher asks for an idle one, so a busy pool lets the queue grow into larger batches. A
 * worker that dies fails its batch and is replaced.
 */
export class OrtWorkerPool {
  private readonly logger = new Logger(OrtWorkerPool.name);
  private closed = false;
  private onIdle: () => void = () => undefined;

  private constructor(
    private readonly modelPath: string,
    private readonly options: OrtPoolOptions,
    private readonly workers: SessionWorker[],
  ) {
    for (const w of workers) this.watch(w);
  }

  static async start(modelPath: string, options: OrtPoolOptions): Promise<OrtWorkerPool> {
    const started = await Promise.allSettled(
      Array.from({ length: options.workers }, () => SessionWorker.start(modelPath, options)),
    );
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw failed.reason;
    }
    return new OrtWorkerPool(modelPath, options, workers);
  }

  /** Called whenever a worker may have become free (a batch finished, a worker was replaced). */
  whenIdle(listener: () => void) {
    this.onIdle = listener;
  }

  get size() {
    return this.workers.length;
  }

  idleCount(): number {
    return this.workers.filter((w) => !w.job).length;
  }

  /** Runs a batch on an idle worker; call only when idleCount() > 0. */
  async run(batch: TensorBatch): Promise<BatchResult> {
    const worker = this.workers.find((w) => !w.job);
    if (!worker) throw new Error('no idle ONNX Runtime worker');
    try {
      return await worker.run(batch);
    } finally {
      if (!this.closed) queueMicrotask(() => this.onIdle());
    }
  }

  async close() {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private watch(worker: SessionWorker) {
    worker.onExit((code) => {
      if (this.closed) return;
      this.logger.error(`ONNX Runtime worker exited (${code}); replacing it`);
      worker.job?.reject(new Error(`ONNX Runtime worker exited (${code})`));
      worker.job = undefined;
      this.workers.splice(this.workers.indexOf(worker), 1);
      SessionWorker.start(this.modelPath, this.options).then(
        (replacement) => {
          if (this.closed) return void replacement.terminate();
          this.workers.push(replacement);
          this.watch(replacement);
          this.onIdle();
        },
        (err: unknown) => this.logger.error(`cannot replace the worker: ${String(err)}`),
      );
    });
  }
}
