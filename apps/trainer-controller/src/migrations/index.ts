import { processedEventMigration } from '@sentimentops/persistence';

/** The trainer-controller schema's migrations, oldest first. Never edit one that has shipped: add another. */
export const migrations = [processedEventMigration('trainer_controller')];
