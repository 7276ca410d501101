import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Models, versions and their lineage (dataset, run, evaluations), aliases and the audit trail. */
export class CreateRegistry1764300000001 implements MigrationInterface {
  name = 'CreateRegistry1764300000001';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE registered_model (
        id          serial       PRIMARY KEY,
        name        varchar(64)  NOT NULL UNIQUE,
        description text,
        created_at  timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE dataset_version (
        id                    serial        PRIMARY KEY,
        content_sha256        char(64)      NOT NULL UNIQUE,
        rows                  int           NOT NULL CHECK (rows >= 0),
        splits                jsonb         NOT NULL,
        source                jsonb         NOT NULL,
        uri                   varchar(1024),
        validation_report_uri varchar(1024),
        created_at            timestamptz   NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE training_run (
        id            serial       PRIMARY KEY,
        run_id        varchar(128) NOT NULL UNIQUE,
        mlflow_run_id varchar(64),
        job_id        varchar(256),
        code_commit   varchar(40)  NOT NULL,
        code_dirty    boolean      NOT NULL,
        params        jsonb        NOT NULL,
        timings       jsonb        NOT NULL,
        dataset_id    int          NOT NULL REFERENCES dataset_version (id),
        created_at    timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX training_run_dataset_idx ON training_run (dataset_id)`);
    await q.query(`
      CREATE TABLE model_version (
        id             serial        PRIMARY KEY,
        model_id       int           NOT NULL REFERENCES registered_model (id),
        version        int           NOT NULL CHECK (version > 0),
        status         varchar(16)   NOT NULL,
        artifact_uri   varchar(1024) NOT NULL,
        format         varchar(32)   NOT NULL,
        content_sha256 char(64)      NOT NULL,
        files          jsonb         NOT NULL,
        metrics        jsonb         NOT NULL,
        card           jsonb         NOT NULL,
        dataset_id     int           NOT NULL REFERENCES dataset_version (id),
        run_id         int           NOT NULL REFERENCES training_run (id),
        mlflow_version varchar(16),
        created_by     varchar(64)   NOT NULL,
        created_at     timestamptz   NOT NULL DEFAULT now(),
        UNIQUE (model_id, version),
        UNIQUE (model_id, artifact_uri),
        UNIQUE (model_id, content_sha256)
      )`);
    await q.query(`CREATE INDEX model_version_dataset_idx ON model_version (dataset_id)`);
    await q.query(`
      CREATE TABLE evaluation (
        id                       uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        model_version_id         int          NOT NULL REFERENCES model_version (id),
        kind                     varchar(16)  NOT NULL,
        test_set                 varchar(64)  NOT NULL,
        test_set_sha256          char(64)     NOT NULL,
        metrics                  jsonb        NOT NULL,
        baseline                 jsonb,
        compared_with_version_id int          REFERENCES model_version (id),
        passed                   boolean,
        reasons                  jsonb        NOT NULL DEFAULT '[]',
        created_by               varchar(64)  NOT NULL,
        created_at               timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX evaluation_version_idx ON evaluation (model_version_id, test_set, created_at)`,
    );
    await q.query(`
      CREATE TABLE model_alias (
        model_id         int          NOT NULL REFERENCES registered_model (id),
        alias            varchar(16)  NOT NULL,
        model_version_id int          REFERENCES model_version (id),
        revision         int          NOT NULL DEFAULT 0,
        updated_by       varchar(64),
        reason           text,
        updated_at       timestamptz,
        PRIMARY KEY (model_id, alias)
      )`);
    await q.query(`
      CREATE TABLE audit_event (
        id               bigserial    PRIMARY KEY,
        model_id         int          REFERENCES registered_model (id),
        model_version_id int          REFERENCES model_version (id),
        actor            varchar(64)  NOT NULL,
        action           varchar(64)  NOT NULL,
        reason           text,
        details          jsonb        NOT NULL DEFAULT '{}',
        at               timestamptz  NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_event_version_idx ON audit_event (model_version_id, at)`);
  }

  async down(q: QueryRunner) {
    for (const table of [
      'audit_event',
      'model_alias',
      'evaluation',
      'model_version',
      'training_run',
      'dataset_version',
      'registered_model',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
