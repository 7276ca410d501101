/** Answers remembered per track to estimate the tail latency. */
const WINDOW = 512;
/** The delay is recomputed after this many new answers (a sort of WINDOW numbers each time). */
const RECOMPUTE_EVERY = 32;
/** Answers needed before the measured tail replaces the conservative starting delay. */
const MIN_SAMPLES = 32;
/** Hedges saved up while nothing is slow: enough for the requests one dead replica held. */
const MAX_SAVED_HEDGES = 20;

export interface HedgeSettings {
  /** Floor of the delay, in ms: answers faster than it are never hedged. */
  minDelayMs: number;
  /** Ceiling of the delay, in ms, and the delay until enough answers were seen. */
  maxDelayMs: number;
  /** Share of requests that may be hedged, 0 to 1 (0: never). */
  budget: number;
}

/**
 * When to send a prediction a second time ("hedged requests", Dean and Barroso, "The Tail at
 * Scale", 2013): when the first attempt has taken longer than the p99 of recent answers, a copy
 * goes out, and whichever answers first wins. A replica that died holding requests (SIGKILL, OOM)
 * then costs them about a p99 instead of the whole timeout; a slow one costs its victims less too.
 *
 * Two bounds keep it from adding load when everything is slow: the delay is the measured p99, so
 * only about 1% of healthy requests are hedged, and a token bucket caps hedges at `budget` of all
 * requests whatever the latencies do.
 *
 * Hand-written because it is a sorted window and a counter: a streaming-quantile library
 * (t-digest, HDR histogram) would add a dependency for a 512-number sort every 32 answers.
 */
export class HedgePolicy {
  private readonly latencies = new Float64Array(WINDOW);
  private seen = 0;
  private delay: number;
  /** Starts full: a replica can die before the first hundred requests. */
  private saved = MAX_SAVED_HEDGES;

  constructor(private readonly settings: HedgeSettings) {
    this.delay = settings.maxDelayMs;
  }

  get enabled(): boolean {
    return this.settings.budget > 0;
  }

  /** How long to wait for the first attempt before hedging, in ms. */
  delayMs(): number {
    return this.delay;
  }

  /** A request started: it earns `budget` of a hedge. */
  admit(): void {
    this.saved = Math.min(MAX_SAVED_HEDGES, this.saved + this.settings.budget);
  }

  /** Spends one hedge when the budget has one. */
  take(): boolean {
    if (this.saved < 1) return false;
    this.saved -= 1;
    return true;
  }

  /** A request was answered after `ms` (from its start, hedge included). */
  observe(ms: number): void {
    this.latencies[this.seen % WINDOW] = ms;
    this.seen += 1;
    if (this.seen >= MIN_SAMPLES && this.seen % RECOMPUTE_EVERY === 0) this.recompute();
  }

  private recompute(): void {
    const sorted = this.latencies.slice(0, Math.min(this.seen, WINDOW)).sort();
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    this.delay = Math.min(this.settings.maxDelayMs, Math.max(this.settings.minDelayMs, p99));
  }
}
