import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

/**
 * The canary split as this gateway applies it. (The trainer-controller exposes the weight it
 * decided, `sentimentops_rollout_weight`; a replica that missed a change shows here.)
 */
export const RolloutMetric = {
  weight: 'sentimentops_gateway_rollout_weight',
  copies: 'sentimentops_gateway_rollout_copies_total',
  fallbacks: 'sentimentops_gateway_rollout_fallbacks_total',
} as const;

export const rolloutMetricProviders = [
  makeGaugeProvider({
    name: RolloutMetric.weight,
    help:
      'Percent of batches this gateway sends to the challenger, per model and challenger ' +
      'version under an active rollout (absent when none is).',
    labelNames: ['model', 'version'],
  }),
  makeCounterProvider({
    name: RolloutMetric.copies,
    help:
      'Copies of client batches sent to the challenger to compare (mirrored or shadowed): ' +
      'outcome sent, or dropped when too many were in flight.',
    labelNames: ['model', 'outcome'],
  }),
  makeCounterProvider({
    name: RolloutMetric.fallbacks,
    help:
      'Batches routed to the challenger that the champion answered instead, because no ' +
      'challenger model was serving (a promotion or rollback under way).',
    labelNames: ['model'],
  }),
];
