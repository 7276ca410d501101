/**
 * Token buckets by client key: `ratePerS` tokens a second up to `burst`. A refused take costs
 * nothing, so a client that waits the time it is told is served.
 *
 * Memory is bounded without timers: the map is kept in order of last use, and a bucket idle long
 * enough to have refilled completely says nothing a new bucket would not, so the oldest such
 * buckets are dropped on every take. At `maxKeys` the least recently used bucket goes even if it
 * is not full: that client starts afresh (fails open), which only a caller with more addresses
 * than `maxKeys` inside one refill period can bring about.
 *
 * Written here rather than taken from @nestjs/throttler: that counts requests in fixed windows per
 * HTTP route (a guard), while this limit counts texts, applies to gRPC calls as well, and keys on
 * the address the trusted proxies saw (see client-address.ts).
 */
export interface TokenBucketOptions {
  ratePerS: number;
  burst: number;
  maxKeys: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterS: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in seconds. */
  at: number;
}

const ADMITTED: Admission = { admitted: true };

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  /** Seconds an empty bucket takes to fill: after that long idle, a bucket can go. */
  private readonly refillS: number;

  constructor(
    private readonly options: TokenBucketOptions,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.refillS = options.burst / options.ratePerS;
  }

  get size() {
    return this.buckets.size;
  }

  get burst() {
    return this.options.burst;
  }

  /** Takes `cost` tokens from `key`'s bucket, or says how many whole seconds until it could. */
  take(key: string, cost: number): Admission {
    const { ratePerS, burst, maxKeys } = this.options;
    const now = this.now();
    this.dropIdle(now);
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: the map stays in order of last use
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * ratePerS);
      bucket.at = now;
    } else {
      if (this.buckets.size >= maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: burst, at: now };
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return ADMITTED;
    }
    // Whole seconds, rounded up (Retry-After has no fractions); the epsilon keeps an exact
    // second from becoming two through floating-point noise.
    const wait = (cost - bucket.tokens) / ratePerS;
    return { admitted: false, retryAfterS: Math.max(1, Math.ceil(wait - 1e-9)) };
  }

  private dropIdle(now: number) {
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at < this.refillS) return;
      this.buckets.delete(key);
    }
  }
}
