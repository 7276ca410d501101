import { Module } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { ChallengerCopies } from './challenger-copies.js';
import { rolloutMetricProviders } from './rollout.metrics.js';
import { ROLLOUT_RANDOM, RolloutRouter } from './rollout.router.js';
import { RolloutStatsAccumulator } from './rollout-stats.accumulator.js';
import { RolloutStatsPublisher } from './rollout-stats.publisher.js';
import { RolloutsClient } from './rollouts.client.js';
import { RolloutsController } from './rollouts.controller.js';

/**
 * Canary rollouts at the edge: the admin API over the trainer-controller's rollouts under
 * /api/rollouts (bearer-protected, each route one request to the controller); the split this
 * gateway routes predictions by, kept current from `rollout.changed.v1`; copies of batches for the
 * challenger; and the gateway's own per-track measurements, published as `rollout.stats.v1`.
 */
@Module({
  controllers: [RolloutsController],
  providers: [
    RolloutsClient,
    AdminTokenGuard,
    RolloutRouter,
    RolloutStatsAccumulator,
    RolloutStatsPublisher,
    ChallengerCopies,
    ...rolloutMetricProviders,
    { provide: ROLLOUT_RANDOM, useValue: Math.random },
  ],
  exports: [RolloutRouter, RolloutStatsAccumulator, ChallengerCopies, ...rolloutMetricProviders],
})
export class RolloutsModule {}
