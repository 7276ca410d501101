import { outboxMigration, processedEventMigration } from '@sentimentops/persistence';
import { CreatePipelines1764500000001 } from './1764500000001-create-pipelines.js';
import { RejectedRuns1764500000002 } from './1764500000002-rejected-runs.js';
import { CreateRollouts1764500000003 } from './1764500000003-create-rollouts.js';

/** The trainer-controller schema's migrations, oldest first. Never edit one that has shipped. */
export const migrations = [
  processedEventMigration('trainer_controller'),
  outboxMigration('trainer_controller'),
  CreatePipelines1764500000001,
  RejectedRuns1764500000002,
  CreateRollouts1764500000003,
];
