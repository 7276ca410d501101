import { outboxMigration, processedEventMigration } from '@sentimentops/persistence';
import { CreateRegistry1764300000001 } from './1764300000001-create-registry.js';

/** The registry schema's migrations, oldest first. Never edit one that has shipped: add another. */
export const migrations = [
  processedEventMigration('registry'),
  outboxMigration('registry'),
  CreateRegistry1764300000001,
];
