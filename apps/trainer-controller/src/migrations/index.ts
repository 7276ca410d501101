import { outboxMigration, processedEventMigration } from '@sentimentops/persistence';
import { CreatePipelines1764500000001 } from './1764500000001-create-pipelines.js';

/** The trainer-controller schema's migrations, oldest first. Never edit one that has shipped. */
export const migrations = [
  processedEventMigration('trainer_controller'),
  outboxMigration('trainer_controller'),
  CreatePipelines1764500000001,
];
