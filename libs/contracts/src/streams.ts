import { type EventSubject } from './subjects.js';

/** One JetStream stream per event family. */
export interface StreamDefinition {
  readonly name: string;
  readonly subjects: readonly string[];
  /** How long events are kept, in seconds (0 = forever). */
  readonly maxAgeSeconds: number;
  /** Window in which a re-published event with the same id is dropped, in seconds. */
  readonly duplicateWindowSeconds: number;
}

const DAY = 86_400;

export const STREAMS: readonly StreamDefinition[] = [
  // Logged predictions are high volume and only matter for drift windows: a week is plenty.
  {
    name: 'PREDICTIONS',
    subjects: ['prediction.>'],
    maxAgeSeconds: 7 * DAY,
    duplicateWindowSeconds: 120,
  },
  // Feedback is ground truth for retraining: never expire it.
  { name: 'FEEDBACK', subjects: ['feedback.>'], maxAgeSeconds: 0, duplicateWindowSeconds: 120 },
  { name: 'MODELS', subjects: ['model.>'], maxAgeSeconds: 0, duplicateWindowSeconds: 120 },
  { name: 'DRIFT', subjects: ['drift.>'], maxAgeSeconds: 90 * DAY, duplicateWindowSeconds: 120 },
  {
    name: 'PIPELINES',
    subjects: ['pipeline.>'],
    maxAgeSeconds: 90 * DAY,
    duplicateWindowSeconds: 120,
  },
  // Rollout changes (what gateways route by) and the gateways' per-window measurements.
  {
    name: 'ROLLOUTS',
    subjects: ['rollout.>'],
    maxAgeSeconds: 30 * DAY,
    duplicateWindowSeconds: 120,
  },
];

export function streamFor(subject: EventSubject): StreamDefinition {
  const family = subject.split('.')[0];
  const stream = STREAMS.find((s) => s.subjects.some((p) => p.split('.')[0] === family));
  if (!stream) throw new Error(`no stream carries ${subject}`);
  return stream;
}
