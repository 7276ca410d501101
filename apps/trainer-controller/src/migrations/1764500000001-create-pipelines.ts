import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pipeline runs (a durable state machine), their triggers, and the labelled data they collect. */
export class CreatePipelines1764500000001 implements MigrationInterface {
  name = 'CreatePipelines1764500000001';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE pipeline_run (
        id               uuid         PRIMARY KEY,
        state            varchar(24)  NOT NULL,
        trigger          varchar(16)  NOT NULL,
        reason           text         NOT NULL,
        requested_by     varchar(64)  NOT NULL,
        failed_step      varchar(32),
        error            text,
        progress         jsonb,
        outputs          jsonb        NOT NULL DEFAULT '{}',
        cancel_requested boolean      NOT NULL DEFAULT false,
        lease_owner      varchar(128),
        lease_until      timestamptz,
        created_at       timestamptz  NOT NULL DEFAULT now(),
        updated_at       timestamptz  NOT NULL DEFAULT now(),
        finished_at      timestamptz
      )`);
    // At most one active run: a trigger while one is active joins it (the insert conflicts).
    await q.query(`
      CREATE UNIQUE INDEX pipeline_run_one_active ON pipeline_run ((true))
      WHERE state NOT IN ('succeeded', 'failed', 'cancelled', 'skipped')`);
    await q.query(`CREATE INDEX pipeline_run_created_idx ON pipeline_run (created_at DESC)`);
    await q.query(`
      CREATE TABLE pipeline_trigger (
        id           bigserial    PRIMARY KEY,
        run_id       uuid         NOT NULL REFERENCES pipeline_run (id),
        trigger      varchar(16)  NOT NULL,
        reason       text         NOT NULL,
        requested_by varchar(64)  NOT NULL,
        joined       boolean      NOT NULL,
        at           timestamptz  NOT NULL DEFAULT now()
      )`);
    // Labelled data: feedback (with its text, or on a prediction whose text was captured).
    await q.query(`
      CREATE TABLE feedback_label (
        seq           bigserial    PRIMARY KEY,
        feedback_id   uuid         NOT NULL UNIQUE,
        prediction_id uuid,
        text          text,
        label         varchar(16)  NOT NULL,
        occurred_at   timestamptz  NOT NULL
      )`);
    await q.query(`
      CREATE TABLE captured_prediction (
        prediction_id uuid         PRIMARY KEY,
        text          text         NOT NULL,
        occurred_at   timestamptz  NOT NULL
      )`);
  }

  async down(q: QueryRunner) {
    for (const table of [
      'captured_prediction',
      'feedback_label',
      'pipeline_trigger',
      'pipeline_run',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
