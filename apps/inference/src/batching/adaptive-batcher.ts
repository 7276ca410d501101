import { ErrorCode, ServiceException } from '@sentimentops/contracts';

export interface BatcherOptions {
  /** Most items in one batch. */
  maxBatchSize: number;
  /** Longest an item waits for others to share its batch. */
  maxQueueDelayMs: number;
  /** Bound on queued items; a request that would exceed it is refused whole. */
  maxQueued: number;
  /**
   * How much padding a batch may carry: padded cells (rows x longest) at most this many times the
   * real tokens. Texts far from the batch's length wait for a batch of their own.
   */
  maxPaddingRatio: number;
}

/** Where batches run: how many can start now, and running one. */
export interface BatchExecutor<T, R> {
  capacity(): number;
  run(items: T[]): Promise<R[]>;
}

/** What the batcher reports, for metrics. */
export interface BatcherObserver {
  batch(size: number, width: number): void;
  queueDepth(depth: number): void;
}

interface Queued<T, R> {
  item: T;
  length: number;
  enqueuedAt: number;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/** Time constant of the arrival-rate estimate: arrivals older than a few of these are forgotten. */
const RATE_WINDOW_MS = 100;

/**
 * Adaptive batching. Items (texts with their token lengths) queue; whenever the executor has
 * capacity, a batch is formed around the oldest item from the items nearest to it in length, so
 * short texts are not padded to long ones and nobody starves. Whether to wait for more items is
 * decided from the arrival rate: with an idle executor and a quiet queue a batch leaves at once
 * (latency), under load it waits up to the max queue delay to fill (throughput). While the
 * executor is busy the queue grows by itself, which is where large batches come from.
 *
 * Hand-written because the libraries that batch (e.g. DataLoader-style schedulers) know neither
 * token lengths nor a bounded, all-or-nothing admission.
 */
export class AdaptiveBatcher<T, R> {
  private queue: Queued<T, R>[] = [];
  private running = 0;
  private timer?: NodeJS.Timeout;
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  /** Items per millisecond as of lastArrival, an exponentially decaying count over RATE_WINDOW_MS. */
  private arrivalRate = 0;
  private lastArrival = 0;

  constructor(
    private readonly options: BatcherOptions,
    private readonly executor: BatchExecutor<T, R>,
    private readonly observer?: BatcherObserver,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get depth() {
    return this.queue.length;
  }

  /** Queues the items (all or none) and resolves with their results in the same order. */
  submit(items: readonly { item: T; length: number }[]): Promise<R[]> {
    if (this.queue.length + items.length > this.options.maxQueued) {
      return Promise.reject(
        new ServiceException(
          ErrorCode.ResourceExhausted,
          `inference queue is full (${this.queue.length} of ${this.options.maxQueued} texts waiting)`,
        ),
      );
    }
    const at = this.now();
    this.noteArrival(at, items.length);
    const results = items.map(
      ({ item, length }) =>
        new Promise<R>((resolve, reject) =>
          this.queue.push({ item, length, enqueuedAt: at, resolve, reject }),
        ),
    );
    this.observer?.queueDepth(this.queue.length);
    this.pump();
    return Promise.all(results);
  }

  /** Call when the executor may have gained capacity. */
  pump = () => {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.executor.capacity() > 0) {
      const wait = this.waitBeforeDispatch();
      if (wait > 0) {
        this.timer = setTimeout(this.pump, wait);
        return;
      }
      this.dispatch(this.takeBatch());
    }
  };

  /** Resolves once nothing is queued or running; from now on batches leave without waiting. */
  drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private noteArrival(at: number, count: number) {
    this.arrivalRate = this.rateAt(at) + count / RATE_WINDOW_MS;
    this.lastArrival = at;
  }

  private rateAt(at: number) {
    return this.arrivalRate * Math.exp(-(at - this.lastArrival) / RATE_WINDOW_MS);
  }

  /** Milliseconds to hold the queue for more items; 0 to dispatch now. */
  private waitBeforeDispatch(): number {
    const { maxBatchSize, maxQueueDelayMs } = this.options;
    if (this.draining || this.queue.length >= maxBatchSize) return 0;
    const now = this.now();
    const remaining = maxQueueDelayMs - (now - this.queue[0].enqueuedAt);
    if (remaining <= 0) return 0;
    // Worth waiting only if at least one more item is expected before the delay runs out: the
    // items just queued count in the rate, so a lone request after a quiet spell leaves at once.
    const expected = (this.rateAt(now) - this.queue.length / RATE_WINDOW_MS) * remaining;
    return expected >= 1 ? Math.ceil(remaining) : 0;
  }

  private takeBatch(): Queued<T, R>[] {
    const { maxBatchSize, maxPaddingRatio } = this.options;
    const batch = groupByLength(this.queue, maxBatchSize, maxPaddingRatio);
    const taken = new Set(batch);
    this.queue = this.queue.filter((q) => !taken.has(q));
    this.observer?.batch(batch.length, Math.max(...batch.map((q) => q.length)));
    this.observer?.queueDepth(this.queue.length);
    return batch;
  }

  private dispatch(batch: Queued<T, R>[]) {
    this.running++;
    this.executor
      .run(batch.map((q) => q.item))
      .then(
        (results) => batch.forEach((q, i) => q.resolve(results[i])),
        (err: unknown) => batch.forEach((q) => q.reject(err)),
      )
      .finally(() => {
        this.running--;
        this.pump();
        if (this.queue.length === 0 && this.running === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
  }
}

/**
 * The batching policy on its own (the benchmark's raw baseline forms its batches with it too): the
 * first (oldest) item, then the others nearest to it in length, while the batch stays within
 * maxBatchSize and its padded cells within maxPaddingRatio x its real tokens.
 */
export function groupByLength<Q extends { length: number }>(
  queue: readonly Q[],
  maxBatchSize: number,
  maxPaddingRatio: number,
): Q[] {
  const [anchor, ...rest] = queue;
  const byCloseness = rest
    .map((q, i) => ({ q, i, distance: Math.abs(q.length - anchor.length) }))
    .sort((a, b) => a.distance - b.distance || a.i - b.i);
  const batch = [anchor];
  let tokens = anchor.length;
  let width = anchor.length;
  for (const { q } of byCloseness) {
    if (batch.length >= maxBatchSize) break;
    const newWidth = Math.max(width, q.length);
    if (newWidth * (batch.length + 1) > maxPaddingRatio * (tokens + q.length)) continue;
    batch.push(q);
    tokens += q.length;
    width = newWidth;
  }
  return batch;
}
