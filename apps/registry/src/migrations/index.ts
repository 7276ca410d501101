import { processedEventMigration } from '@sentimentops/persistence';

/** The registry schema's migrations, oldest first. Never edit one that has shipped: add another. */
export const migrations = [processedEventMigration('registry')];
