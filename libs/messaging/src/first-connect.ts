import { setTimeout as sleep } from 'node:timers/promises';

/** The wait before each retry of a first connect: doubling from 100 ms, capped at one second. */
export function firstConnectDelay(attempt: number): number {
  return Math.min(1_000, 100 * 2 ** (attempt - 1));
}

/**
 * Retries a first connection until it succeeds or the caller stops. nats.js can wait for its first
 * connection by itself (`waitOnFirstConnect`), but that loop cannot be cancelled, so an app shut
 * down while NATS is away would never exit. After the first connection, nats.js reconnects alone.
 * Returns undefined when stopped before connecting.
 */
export async function untilConnected<T>(
  attempt: () => Promise<T>,
  options: { stopped: () => boolean; onRetry?: (error: unknown, delayMs: number) => void },
): Promise<T | undefined> {
  for (let n = 1; !options.stopped(); n++) {
    try {
      return await attempt();
    } catch (error) {
      const delayMs = firstConnectDelay(n);
      options.onRetry?.(error, delayMs);
      await sleep(delayMs, undefined, { ref: false });
    }
  }
  return undefined;
}
