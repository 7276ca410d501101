import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const FEEDBACK_METRIC = 'sentimentops_feedback_total';

export const feedbackMetricProvider = makeCounterProvider({
  name: FEEDBACK_METRIC,
  help:
    'Feedback accepted (acknowledged by JetStream) by kind (prediction: about a served ' +
    'prediction, text: a new labelled text) and label.',
  labelNames: ['kind', 'label'],
});
