import { makeHistogramProvider } from '@willsoto/nestjs-prometheus';

/** Metric names, shared by the providers and the interceptor that observes them. */
export const Metrics = {
  httpDuration: 'http_server_request_duration_seconds',
  natsHandlerDuration: 'nats_handler_duration_seconds',
  eventHandlerDuration: 'sentimentops_event_handler_duration_seconds',
} as const;

// Latency buckets from 1 ms to 10 s, with edges at the /predict SLOs (p50 15 ms, p99 100 ms).
const BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export const metricProviders = [
  makeHistogramProvider({
    name: Metrics.httpDuration,
    help: 'Duration of HTTP requests handled by this app.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: BUCKETS,
  }),
  makeHistogramProvider({
    name: Metrics.natsHandlerDuration,
    help: 'Duration of NATS request/reply handlers in this app.',
    labelNames: ['subject', 'outcome'],
    buckets: BUCKETS,
  }),
  makeHistogramProvider({
    name: Metrics.eventHandlerDuration,
    help: 'Duration of JetStream event handlers in this app, by outcome (ack, nak, term).',
    labelNames: ['subject', 'consumer', 'outcome'],
    buckets: BUCKETS,
  }),
];
