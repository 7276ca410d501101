import { Injectable } from '@nestjs/common';
import { ROLLOUT_STATES } from '@sentimentops/contracts';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';
import { type RolloutRow } from './rollout-store.js';

export const RolloutMetric = {
  weight: 'sentimentops_rollout_weight',
  state: 'sentimentops_rollout_state',
} as const;

export const rolloutMetricProviders = [
  makeGaugeProvider({
    name: RolloutMetric.weight,
    help: "Percent of batches the latest rollout's challenger version answers (0 once it ended).",
    labelNames: ['model', 'version'],
  }),
  makeGaugeProvider({
    name: RolloutMetric.state,
    help: "The latest rollout's state per model: 1 for the state it is in, 0 for the others.",
    labelNames: ['model', 'state'],
  }),
];

/** The latest rollout of each model, as the database has it (whichever replica changed it). */
@Injectable()
export class RolloutMetrics {
  constructor(
    @InjectMetric(RolloutMetric.weight) private readonly weight: Gauge<string>,
    @InjectMetric(RolloutMetric.state) private readonly state: Gauge<string>,
  ) {}

  show(latest: readonly RolloutRow[]) {
    // A version that is no longer the latest rollout's drops out rather than staying stale.
    this.weight.reset();
    for (const r of latest) {
      this.weight.set({ model: r.model_name, version: r.version }, r.weight);
      for (const state of ROLLOUT_STATES) {
        this.state.set({ model: r.model_name, state }, r.state === state ? 1 : 0);
      }
    }
  }
}
