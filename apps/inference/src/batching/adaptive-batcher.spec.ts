import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { AdaptiveBatcher, type BatcherOptions, type BatchExecutor } from './adaptive-batcher.js';

/** An executor whose batches finish when the test says so; it records what it was given. */
class ManualExecutor implements BatchExecutor<string, string> {
  slots = 1;
  batches: string[][] = [];
  private pending: { items: string[]; done: (r: string[]) => void; fail: (e: Error) => void }[] =
    [];

  capacity() {
    return this.slots - this.pending.length;
  }

  run(items: string[]) {
    this.batches.push(items);
    return new Promise<string[]>((done, fail) => this.pending.push({ items, done, fail }));
  }

  finishAll() {
    for (const p of this.pending.splice(0)) p.done(p.items.map((i) => `done:${i}`));
  }

  failAll(err: Error) {
    for (const p of this.pending.splice(0)) p.fail(err);
  }
}

const options: BatcherOptions = {
  maxBatchSize: 4,
  maxQueueDelayMs: 5,
  maxQueued: 10,
  maxPaddingRatio: 1.5,
};

const texts = (...lengths: number[]) =>
  lengths.map((length, i) => ({ item: `t${i}:${length}`, length }));
const flush = () => new Promise((r) => setImmediate(r));

describe('AdaptiveBatcher', () => {
  let clock: number;
  let executor: ManualExecutor;
  let batcher: AdaptiveBatcher<string, string>;

  beforeEach(() => {
    clock = 1_000;
    executor = new ManualExecutor();
    batcher = new AdaptiveBatcher(options, executor, undefined, () => clock);
  });

  it('sends a lone request at once when the executor is idle (no waiting at low load)', async () => {
    const result = batcher.submit(texts(10));
    expect(executor.batches).toEqual([['t0:10']]);
    executor.finishAll();
    await expect(result).resolves.toEqual(['done:t0:10']);
  });

  it('returns results in the order of the request even when batches reorder texts', async () => {
    executor.slots = 0; // busy: everything queues
    const result = batcher.submit(texts(10, 100, 11, 101));
    executor.slots = 2;
    batcher.pump();
    expect(executor.batches).toEqual([
      ['t0:10', 't2:11'],
      ['t1:100', 't3:101'],
    ]);
    executor.finishAll();
    await expect(result).resolves.toEqual([
      'done:t0:10',
      'done:t1:100',
      'done:t2:11',
      'done:t3:101',
    ]);
  });

  it('groups by length: short texts are not padded to a long one', async () => {
    executor.slots = 0;
    void batcher.submit(texts(8, 9, 120, 10));
    executor.slots = 1;
    batcher.pump();
    expect(executor.batches).toEqual([['t0:8', 't1:9', 't3:10']]);
    executor.finishAll();
    await flush();
    expect(executor.batches[1]).toEqual(['t2:120']);
  });

  it('caps a batch at maxBatchSize and always includes the oldest text', async () => {
    executor.slots = 0;
    void batcher.submit(texts(50));
    void batcher.submit(texts(10, 10, 10, 10, 10));
    executor.slots = 1;
    batcher.pump();
    expect(executor.batches[0]).toHaveLength(1); // the 50-token text leads, the 10s pad too much
    expect(executor.batches[0][0]).toBe('t0:50');
    executor.finishAll();
    await flush();
    expect(executor.batches[1]).toHaveLength(4);
  });

  it('refuses a request that would overflow the queue, whole, with RESOURCE_EXHAUSTED', async () => {
    executor.slots = 0;
    void batcher.submit(texts(...Array<number>(8).fill(5)));
    const refused = batcher.submit(texts(5, 5, 5));
    await expect(refused).rejects.toBeInstanceOf(ServiceException);
    await expect(refused).rejects.toMatchObject({ code: ErrorCode.ResourceExhausted });
    expect(batcher.depth).toBe(8); // nothing of the refused request was queued
  });

  it('under load waits up to the max queue delay to fill a batch', async () => {
    jest.useFakeTimers();
    try {
      // A steady stream for a few rate windows: one text every 0.5 ms.
      for (let i = 0; i < 600; i++) {
        clock += 0.5;
        void batcher.submit(texts(10));
        executor.finishAll();
        await Promise.resolve();
      }
      clock += 5;
      jest.advanceTimersByTime(5); // whatever the stream left queued goes
      executor.finishAll();
      await Promise.resolve();
      expect(batcher.depth).toBe(0);
      executor.batches = [];
      clock += 0.5;
      void batcher.submit(texts(10));
      expect(executor.batches).toEqual([]); // held: more texts are expected within 5 ms
      clock += 1;
      void batcher.submit(texts(11));
      clock += 4;
      jest.advanceTimersByTime(5);
      expect(executor.batches).toEqual([['t0:10', 't0:11']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails every text of a failed batch, and keeps serving after', async () => {
    const failed = batcher.submit(texts(10));
    executor.failAll(new Error('session crashed'));
    await expect(failed).rejects.toThrow('session crashed');
    const next = batcher.submit(texts(10));
    executor.finishAll();
    await expect(next).resolves.toEqual(['done:t0:10']);
  });

  it('drain resolves once queued and running batches are done', async () => {
    executor.slots = 0;
    const result = batcher.submit(texts(10, 10));
    let drained = false;
    const draining = batcher.drain().then(() => (drained = true));
    executor.slots = 1;
    batcher.pump();
    await flush();
    expect(drained).toBe(false);
    executor.finishAll();
    await draining;
    await expect(result).resolves.toHaveLength(2);
  });
});
