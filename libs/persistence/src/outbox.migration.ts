import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The table behind Outbox, for an app that publishes events about changes it stores. The same for
 * every app, so it is built from the schema name (as processedEventMigration is).
 */
export function outboxMigration(schema: string): new () => MigrationInterface {
  return class CreateOutbox1764300000000 implements MigrationInterface {
    name = 'CreateOutbox1764300000000';

    async up(q: QueryRunner) {
      await q.query(`
        CREATE TABLE "${schema}"."outbox" (
          id           bigserial    PRIMARY KEY,
          subject      varchar(128) NOT NULL,
          message_id   varchar(256) NOT NULL UNIQUE,
          payload      jsonb        NOT NULL,
          request_id   varchar(128),
          created_at   timestamptz  NOT NULL DEFAULT now(),
          published_at timestamptz
        )`);
      await q.query(
        `CREATE INDEX "outbox_unpublished_idx" ON "${schema}"."outbox" (id) WHERE published_at IS NULL`,
      );
    }

    async down(q: QueryRunner) {
      await q.query(`DROP TABLE "${schema}"."outbox"`);
    }
  };
}
