import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/** Prediction requests as clients see them, whatever door they came in by. */
export const PredictMetric = {
  requests: 'sentimentops_predict_requests_total',
  duration: 'sentimentops_predict_duration_seconds',
  hedges: 'sentimentops_predict_hedges_total',
} as const;

const LABELS = ['route', 'status', 'track', 'model_version'];

export const predictMetricProviders = [
  makeCounterProvider({
    name: PredictMetric.requests,
    help: 'Prediction requests by route, status (OK or error code), track and model version.',
    labelNames: LABELS,
  }),
  makeHistogramProvider({
    name: PredictMetric.duration,
    help: 'Prediction request duration at the gateway, NATS round trip and retry included.',
    labelNames: LABELS,
    // Edges at the /predict SLOs (p50 15 ms, p99 100 ms).
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  makeCounterProvider({
    name: PredictMetric.hedges,
    help:
      'Predictions sent a second time because the first attempt outlasted the p99 of recent ' +
      'answers, by track and outcome (first_won, hedge_won, failed).',
    labelNames: ['track', 'outcome'],
  }),
];
