import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';

/** The inference service's own series (request-level ones are in the gateway and observability). */
export const InferenceMetric = {
  batchSize: 'sentimentops_inference_batch_size',
  batchWidth: 'sentimentops_inference_batch_tokens_width',
  batchTokens: 'sentimentops_inference_batch_tokens_total',
  queueDepth: 'sentimentops_inference_queue_depth',
  tokenizeSeconds: 'sentimentops_inference_tokenize_seconds',
  modelSeconds: 'sentimentops_inference_model_seconds',
  texts: 'sentimentops_inference_texts_total',
  score: 'sentimentops_prediction_score',
  modelInfo: 'sentimentops_model_info',
  modelLoads: 'sentimentops_model_loads_total',
  loggedPredictions: 'sentimentops_prediction_log_events_total',
} as const;

const SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export const inferenceMetricProviders = [
  makeHistogramProvider({
    name: InferenceMetric.batchSize,
    help: 'Texts per batch run by ONNX Runtime.',
    labelNames: ['model_version'],
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
  }),
  makeHistogramProvider({
    name: InferenceMetric.batchWidth,
    help: 'Tokens per row of a batch (its longest text, to which the others are padded).',
    labelNames: ['model_version'],
    buckets: [8, 16, 32, 64, 128, 256, 512],
  }),
  makeCounterProvider({
    name: InferenceMetric.batchTokens,
    help: 'Token positions run by ONNX Runtime: kind="real" the texts\' own, kind="padded" all of them, padding included (padded / real is the padding overhead).',
    labelNames: ['model_version', 'kind'],
  }),
  makeGaugeProvider({
    name: InferenceMetric.queueDepth,
    help: 'Texts waiting for a batch, per served model.',
    labelNames: ['model_version'],
  }),
  makeHistogramProvider({
    name: InferenceMetric.tokenizeSeconds,
    help: 'Time to normalise and tokenise one request.',
    labelNames: ['model_version'],
    buckets: SECONDS,
  }),
  makeHistogramProvider({
    name: InferenceMetric.modelSeconds,
    help: 'Time inside ONNX Runtime for one batch.',
    labelNames: ['model_version'],
    buckets: SECONDS,
  }),
  makeCounterProvider({
    name: InferenceMetric.texts,
    help: 'Texts predicted, by track, model version and whether they were truncated.',
    labelNames: ['track', 'model_version', 'truncated'],
  }),
  makeHistogramProvider({
    name: InferenceMetric.score,
    help: 'Probability of the predicted label, by label and model version.',
    labelNames: ['label', 'model_version'],
    buckets: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.99, 1],
  }),
  makeGaugeProvider({
    name: InferenceMetric.modelInfo,
    help: 'The model each track serves (value 1), with its version and ONNX sha256.',
    labelNames: ['track', 'model', 'version', 'variant', 'sha256'],
  }),
  makeCounterProvider({
    name: InferenceMetric.modelLoads,
    help: 'Model loads, by outcome (loaded, refused, failed).',
    labelNames: ['outcome'],
  }),
  makeCounterProvider({
    name: InferenceMetric.loggedPredictions,
    help: 'prediction.logged.v1 events, by outcome (published, failed, dropped: queue full).',
    labelNames: ['outcome'],
  }),
];
