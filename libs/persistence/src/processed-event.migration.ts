import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first migration of every stateful app: the table behind ProcessedEvents. The same for every
 * app, so it is built here from the schema name instead of being copied into each app.
 */
export function processedEventMigration(schema: string): new () => MigrationInterface {
  return class CreateProcessedEvent1764180000000 implements MigrationInterface {
    name = 'CreateProcessedEvent1764180000000';

    async up(q: QueryRunner) {
      await q.query(`
        CREATE TABLE "${schema}"."processed_event" (
          consumer     varchar(128) NOT NULL,
          event_id     varchar(256) NOT NULL,
          processed_at timestamptz  NOT NULL DEFAULT now(),
          PRIMARY KEY (consumer, event_id)
        )`);
      await q.query(
        `CREATE INDEX "processed_event_processed_at_idx" ON "${schema}"."processed_event" (processed_at)`,
      );
    }

    async down(q: QueryRunner) {
      await q.query(`DROP TABLE "${schema}"."processed_event"`);
    }
  };
}
