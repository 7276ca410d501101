import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Logged predictions and feedback (the windows drift reads) and the reports it writes. */
export class CreateDrift1764400000001 implements MigrationInterface {
  name = 'CreateDrift1764400000001';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE logged_prediction (
        prediction_id      uuid             PRIMARY KEY,
        model_name         varchar(64)      NOT NULL,
        model_version      int              NOT NULL,
        track              varchar(16)      NOT NULL,
        label              varchar(16)      NOT NULL,
        score              double precision NOT NULL,
        token_count        int              NOT NULL,
        unknown_token_rate double precision NOT NULL,
        truncated          boolean          NOT NULL,
        latency_ms         double precision NOT NULL,
        occurred_at        timestamptz      NOT NULL,
        text               text,
        received_at        timestamptz      NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX logged_prediction_window_idx ON logged_prediction (model_name, model_version, occurred_at)`,
    );
    await q.query(`
      CREATE TABLE feedback (
        feedback_id   uuid         PRIMARY KEY,
        prediction_id uuid,
        text          text,
        label         varchar(16)  NOT NULL,
        source        varchar(16)  NOT NULL,
        actor         varchar(64),
        occurred_at   timestamptz  NOT NULL,
        received_at   timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX feedback_prediction_idx ON feedback (prediction_id) WHERE prediction_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE drift_report (
        id            uuid         PRIMARY KEY,
        model_name    varchar(64)  NOT NULL,
        model_version int          NOT NULL,
        window_start  timestamptz  NOT NULL,
        window_end    timestamptz  NOT NULL,
        n             int          NOT NULL,
        min_samples   int          NOT NULL,
        status        varchar(24)  NOT NULL,
        severity      varchar(8),
        features      jsonb        NOT NULL,
        quality       jsonb        NOT NULL,
        bins          jsonb        NOT NULL,
        trigger       varchar(16)  NOT NULL,
        requested_by  varchar(64)  NOT NULL,
        created_at    timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX drift_report_created_idx ON drift_report (model_name, created_at DESC)`,
    );
    // One row per scheduled job: the replica that moves last_run_at forward runs it.
    await q.query(`
      CREATE TABLE schedule (
        name        varchar(64)  PRIMARY KEY,
        last_run_at timestamptz  NOT NULL
      )`);
  }

  async down(q: QueryRunner) {
    for (const table of ['schedule', 'drift_report', 'feedback', 'logged_prediction']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
