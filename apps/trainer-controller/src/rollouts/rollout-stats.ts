import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RolloutStats } from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { RolloutStore } from './rollout-store.js';

/**
 * The gateways' per-window measurements of active rollouts (`rollout.stats.v1`), stored once each
 * before they are acknowledged; the replicas share one consumer. Those of a rollout that has
 * ended are dropped.
 */
@Injectable()
export class RolloutStatsIngest implements OnModuleInit {
  constructor(
    private readonly store: RolloutStore,
    private readonly consumers: EventConsumers,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: RolloutStats,
      durable: 'trainer-rollout-stats',
      handler: (e) => this.store.storeStats(e),
    });
  }
}
