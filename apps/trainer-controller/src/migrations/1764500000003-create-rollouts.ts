import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Canary rollouts (a durable state machine like pipeline runs), every analysis of them, the
 * gateways' measurements they are judged by, and their audit trail.
 */
export class CreateRollouts1764500000003 implements MigrationInterface {
  name = 'CreateRollouts1764500000003';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE rollout (
        id                uuid         PRIMARY KEY,
        model_name        varchar(64)  NOT NULL,
        version           varchar(16)  NOT NULL,
        champion_version  varchar(16),
        state             varchar(16)  NOT NULL,
        mode              varchar(8)   NOT NULL,
        steps             int[]        NOT NULL,
        step_index        int          NOT NULL DEFAULT 0,
        weight            int          NOT NULL,
        mirror_percent    int          NOT NULL,
        sticky            boolean      NOT NULL,
        interval_s        int          NOT NULL,
        failed_checks     int          NOT NULL DEFAULT 0,
        failure_threshold int          NOT NULL,
        revision          int          NOT NULL,
        created_by        varchar(64)  NOT NULL,
        reason            text,
        created_at        timestamptz  NOT NULL DEFAULT now(),
        updated_at        timestamptz  NOT NULL DEFAULT now(),
        next_check_at     timestamptz,
        -- When the challenger track was first seen serving this version. Until then the challenger
        -- gets no traffic (weight 0, no copies) and no check runs.
        ready_at          timestamptz,
        last_check_at     timestamptz  NOT NULL DEFAULT now(),
        finished_at       timestamptz,
        -- The registry change an ended rollout still owes ('promote' or 'reject'), retried until
        -- the registry takes it; the last refusal is kept to be shown.
        registry_pending  varchar(8),
        registry_retry_at timestamptz,
        registry_error    text
      )`);
    // At most one active rollout per model: a second start conflicts on insert.
    await q.query(`
      CREATE UNIQUE INDEX rollout_one_active ON rollout (model_name)
      WHERE state IN ('progressing', 'paused')`);
    await q.query(
      `CREATE INDEX rollout_model_created_idx ON rollout (model_name, created_at DESC)`,
    );
    await q.query(
      `CREATE INDEX rollout_due_idx ON rollout (next_check_at) WHERE state = 'progressing'`,
    );
    await q.query(
      `CREATE INDEX rollout_registry_idx ON rollout (registry_retry_at) WHERE registry_pending IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE rollout_check (
        id          bigserial    PRIMARY KEY,
        rollout_id  uuid         NOT NULL REFERENCES rollout (id),
        at          timestamptz  NOT NULL DEFAULT now(),
        step_index  int          NOT NULL,
        weight      int          NOT NULL,
        verdict     varchar(16)  NOT NULL,
        reasons     text[]       NOT NULL,
        metrics     jsonb        NOT NULL
      )`);
    await q.query(`CREATE INDEX rollout_check_rollout_idx ON rollout_check (rollout_id, id DESC)`);
    // One row per RolloutStats message (stats_id: a redelivery is stored once); checked_at is set
    // by the analysis that judged it, so each message counts in exactly one check.
    await q.query(`
      CREATE TABLE rollout_stats (
        id           bigserial    PRIMARY KEY,
        stats_id     uuid         NOT NULL UNIQUE,
        rollout_id   uuid         NOT NULL REFERENCES rollout (id),
        gateway      varchar(128) NOT NULL,
        window_end   timestamptz  NOT NULL,
        payload      jsonb        NOT NULL,
        received_at  timestamptz  NOT NULL DEFAULT now(),
        checked_at   timestamptz
      )`);
    await q.query(
      `CREATE INDEX rollout_stats_unchecked_idx ON rollout_stats (rollout_id) WHERE checked_at IS NULL`,
    );
    // Measurements older than a week are pruned (RolloutStore.pruneStats).
    await q.query(`CREATE INDEX rollout_stats_window_idx ON rollout_stats (window_end)`);
    await q.query(`
      CREATE TABLE rollout_event (
        id          bigserial    PRIMARY KEY,
        rollout_id  uuid         NOT NULL REFERENCES rollout (id),
        actor       varchar(64)  NOT NULL,
        action      varchar(32)  NOT NULL,
        reason      text,
        details     jsonb        NOT NULL DEFAULT '{}',
        at          timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rollout_event_rollout_idx ON rollout_event (rollout_id, id)`);
  }

  async down(q: QueryRunner) {
    for (const table of ['rollout_event', 'rollout_stats', 'rollout_check', 'rollout']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
