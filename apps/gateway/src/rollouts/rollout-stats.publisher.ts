import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ContractViolationError, RolloutStats, type RolloutStatsV1 } from '@sentimentops/contracts';
import { EventPublisher } from '@sentimentops/messaging';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { GatewayConfig } from '../gateway.config.js';
import { ChallengerCopies } from './challenger-copies.js';
import { type RolloutWindow, RolloutStatsAccumulator } from './rollout-stats.accumulator.js';

/** Windows kept for a JetStream that is away (10 minutes of one rollout at 5 s windows). */
export const MAX_UNSENT_WINDOWS = 120;

/**
 * Every GATEWAY_ROLLOUT_STATS_S seconds, ends the statistics window and publishes one
 * `rollout.stats.v1` per rollout that had traffic in it; nothing for an empty window. A window
 * JetStream did not take is sent again with the next one, under the same statsId, so a stream that
 * did store it drops the second copy. On shutdown, after the last copies were answered, the last
 * window is published (the NATS connection closes after this: global modules shut down last).
 */
@Injectable()
export class RolloutStatsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RolloutStatsPublisher.name);
  private readonly gateway: string;
  private readonly unsent: RolloutStatsV1[] = [];
  private sending: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: GatewayConfig,
    private readonly publisher: EventPublisher,
    private readonly stats: RolloutStatsAccumulator,
    private readonly copies: ChallengerCopies,
  ) {
    this.gateway = (config.INSTANCE_ID ?? `${hostname()}-${process.pid}`).slice(0, 128);
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.flush(), this.config.GATEWAY_ROLLOUT_STATS_S * 1_000);
    this.timer.unref();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.copies.settle(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.flush();
  }

  /** Ends the window at `now` and publishes it, after whatever earlier flushes could not. */
  flush(now = new Date()): Promise<void> {
    for (const window of this.stats.rollover(now)) this.unsent.push(this.event(window));
    const excess = this.unsent.length - MAX_UNSENT_WINDOWS;
    if (excess > 0) {
      this.unsent.splice(0, excess);
      this.logger.warn(`dropped the ${excess} oldest unpublished rollout statistics window(s)`);
    }
    // One publisher at a time, in window order: two ticks never send the same window at once.
    this.sending = this.sending.then(() => this.publishUnsent());
    return this.sending;
  }

  private async publishUnsent() {
    while (this.unsent.length > 0) {
      const event = this.unsent[0];
      try {
        await this.publisher.publish(RolloutStats, event, { messageId: event.statsId });
      } catch (err) {
        // A window that breaks its contract would never pass: drop it rather than block the rest.
        if (err instanceof ContractViolationError) {
          this.logger.error(`rollout statistics window dropped: ${err.message}`);
          this.unsent.shift();
          continue;
        }
        this.logger.warn(
          `rollout statistics not published (${this.unsent.length} window(s) kept): ${String(err)}`,
        );
        return;
      }
      this.unsent.shift();
    }
  }

  private event(window: RolloutWindow): RolloutStatsV1 {
    return {
      statsId: randomUUID(),
      rolloutId: window.rolloutId,
      gateway: this.gateway,
      windowStart: window.windowStart.toISOString(),
      windowEnd: window.windowEnd.toISOString(),
      tracks: window.tracks,
      compared: window.compared,
      agreed: window.agreed,
    };
  }
}
