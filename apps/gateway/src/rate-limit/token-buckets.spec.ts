import { TokenBuckets } from './token-buckets.js';

/** Buckets on a clock the test moves. */
function buckets(options: { ratePerS: number; burst: number; maxKeys?: number }) {
  const clock = { now: 1000 };
  const limiter = new TokenBuckets({ maxKeys: 100, ...options }, () => clock.now);
  return { limiter, clock };
}

describe('TokenBuckets', () => {
  it('admits a burst at once, then refuses until tokens refill at the rate', () => {
    const { limiter, clock } = buckets({ ratePerS: 2, burst: 4 });
    for (let i = 0; i < 4; i++) expect(limiter.take('a', 1)).toEqual({ admitted: true });
    expect(limiter.take('a', 1)).toEqual({ admitted: false, retryAfterS: 1 });
    clock.now += 0.5; // one token back
    expect(limiter.take('a', 1)).toEqual({ admitted: true });
    expect(limiter.take('a', 1).admitted).toBe(false);
  });

  it('refills no further than the burst, however long the client was away', () => {
    const { limiter, clock } = buckets({ ratePerS: 10, burst: 5, maxKeys: 1 });
    limiter.take('a', 5);
    clock.now += 3600;
    expect(limiter.take('a', 5).admitted).toBe(true);
    expect(limiter.take('a', 1).admitted).toBe(false);
  });

  it('charges a batch its texts, and a refusal nothing', () => {
    const { limiter, clock } = buckets({ ratePerS: 1, burst: 10 });
    expect(limiter.take('a', 8).admitted).toBe(true);
    expect(limiter.take('a', 8)).toEqual({ admitted: false, retryAfterS: 6 });
    clock.now += 6; // exactly the wait it was told: 2 + 6 = 8 tokens
    expect(limiter.take('a', 8).admitted).toBe(true);
  });

  it.each([
    [0.1, 1],
    [1, 1],
    [1.2, 2],
    [2.5, 3],
  ])('rounds a wait of %s s up to whole seconds (%s)', (waitS, retryAfterS) => {
    const { limiter } = buckets({ ratePerS: 10, burst: 100 });
    limiter.take('a', 100);
    expect(limiter.take('a', waitS * 10)).toEqual({ admitted: false, retryAfterS });
  });

  it('keeps clients apart', () => {
    const { limiter } = buckets({ ratePerS: 1, burst: 2 });
    limiter.take('a', 2);
    expect(limiter.take('a', 1).admitted).toBe(false);
    expect(limiter.take('b', 2).admitted).toBe(true);
  });

  it('forgets a client once its bucket would be full again', () => {
    const { limiter, clock } = buckets({ ratePerS: 1, burst: 4 });
    limiter.take('a', 1);
    limiter.take('b', 1);
    clock.now += 2;
    limiter.take('c', 1);
    expect(limiter.size).toBe(3);
    clock.now += 2; // a and b idle 4 s: full again; c only 2 s
    limiter.take('d', 1);
    expect(limiter.size).toBe(2);
    expect(limiter.take('a', 4).admitted).toBe(true); // a new bucket is a full one
  });

  it('holds at most maxKeys clients, forgetting the least recently seen', () => {
    const { limiter } = buckets({ ratePerS: 1, burst: 2, maxKeys: 2 });
    limiter.take('a', 2);
    limiter.take('b', 2);
    limiter.take('a', 0); // a seen again: b is now the oldest
    limiter.take('c', 2);
    expect(limiter.size).toBe(2);
    expect(limiter.take('a', 1).admitted).toBe(false); // a was kept, still empty
    expect(limiter.take('b', 2).admitted).toBe(true); // b was forgotten: a fresh bucket
  });
});
