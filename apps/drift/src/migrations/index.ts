import { outboxMigration, processedEventMigration } from '@sentimentops/persistence';
import { CreateDrift1764400000001 } from './1764400000001-create-drift.js';
import { FeedbackTimeIndex1764400000002 } from './1764400000002-feedback-time-index.js';

/** The drift schema's migrations, oldest first. Never edit one that has shipped: add another. */
export const migrations = [
  processedEventMigration('drift'),
  outboxMigration('drift'),
  CreateDrift1764400000001,
  FeedbackTimeIndex1764400000002,
];
