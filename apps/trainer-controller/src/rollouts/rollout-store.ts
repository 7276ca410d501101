import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ACTIVE_ROLLOUT_STATES,
  ErrorCode,
  RolloutChanged,
  type RolloutCheckView,
  type RolloutMode,
  type RolloutState,
  type RolloutStatsV1,
  type RolloutVerdict,
  type RolloutView,
  ServiceException,
} from '@sentimentops/contracts';
import { Outbox } from '@sentimentops/persistence';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

/** The registry change an ended rollout still owes. */
export type RegistryChange = 'promote' | 'reject';

export interface RolloutRow {
  id: string;
  model_name: string;
  version: string;
  champion_version: string | null;
  state: RolloutState;
  mode: RolloutMode;
  steps: number[];
  step_index: number;
  weight: number;
  mirror_percent: number;
  sticky: boolean;
  interval_s: number;
  failed_checks: number;
  failure_threshold: number;
  revision: number;
  created_by: string;
  reason: string | null;
  created_at: Date;
  updated_at: Date;
  next_check_at: Date | null;
  ready_at: Date | null;
  last_check_at: Date;
  finished_at: Date | null;
  registry_pending: RegistryChange | null;
  registry_retry_at: Date | null;
  registry_error: string | null;
}

interface CheckRow {
  rollout_id: string;
  at: Date;
  step_index: number;
  weight: number;
  verdict: RolloutVerdict;
  reasons: string[];
  metrics: Record<string, unknown>;
}

export interface NewRollout {
  modelName: string;
  version: string;
  championVersion: string | null;
  mode: RolloutMode;
  steps: number[];
  weight: number;
  mirrorPercent: number;
  sticky: boolean;
  intervalSeconds: number;
  failureThreshold: number;
  actor: string;
  reason: string | null;
}

/** What a change sets; unset fields keep their value. */
export interface RolloutPatch {
  state?: RolloutState;
  stepIndex?: number;
  weight?: number;
  failedChecks?: number;
  reason?: string | null;
  /** An analysis happened at this time: the next one is due an interval from now. */
  checkedAt?: Date;
  /** The next analysis is an interval from now (resume), or none is scheduled (pause). */
  schedule?: 'next-interval' | 'none';
  /** The challenger track serves the version: traffic may flow. */
  ready?: boolean;
  /** The rollout ended, owing the registry this change. */
  finished?: { registry: RegistryChange | null; retryInSeconds: number };
}

export interface AuditEntry {
  actor: string;
  action: string;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** ACTIVE_ROLLOUT_STATES as an SQL list (constant text, never input). */
const ACTIVE_SQL = ACTIVE_ROLLOUT_STATES.map((s) => `'${s}'`).join(', ');
const UNIQUE_VIOLATION = '23505';
const CHECKS_PER_VIEW = 50;
const STATS_KEPT_DAYS = 7;

/**
 * Rollouts in PostgreSQL: the durable state machine. Every change that gateways route by (start,
 * step, pause, resume, promote, rollback) bumps the revision and is published as
 * `rollout.changed.v1` through the outbox, with its audit row, in the same transaction.
 */
@Injectable()
export class RolloutStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Runs `work` in a transaction; what it published leaves once it committed. */
  async transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    void this.outbox.flush();
    return result;
  }

  /** A new active rollout; Conflict when the model has one already. */
  async insert(r: NewRollout): Promise<RolloutRow> {
    const id = randomUUID();
    try {
      return await this.transaction(async (m) => {
        const [row] = await m.query<RolloutRow[]>(
          `INSERT INTO rollout (id, model_name, version, champion_version, state, mode, steps,
             weight, mirror_percent, sticky, interval_s, failure_threshold, revision, created_by,
             reason, next_check_at, last_check_at)
           VALUES ($1, $2, $3, $4, 'progressing', $5, $6, $7, $8, $9, $10, $11, 1, $12, $13,
             NULL, $14)
           RETURNING *`,
          [
            id,
            r.modelName,
            r.version,
            r.championVersion,
            r.mode,
            r.steps,
            r.weight,
            r.mirrorPercent,
            r.sticky,
            r.intervalSeconds,
            r.failureThreshold,
            r.actor,
            r.reason,
            new Date(),
          ],
        );
        await this.audit(m, id, {
          actor: r.actor,
          action: 'start',
          reason: r.reason,
          details: { version: r.version, steps: r.steps, mode: r.mode, weight: r.weight },
        });
        await this.announce(m, row, r.actor, r.reason);
        return row;
      });
    } catch (err) {
      if (err instanceof QueryFailedError && codeOf(err) === UNIQUE_VIOLATION) {
        const active = await this.active(r.modelName);
        throw new ServiceException(
          ErrorCode.Conflict,
          `${r.modelName} has an active rollout` +
            (active ? ` (${active.id}, v${active.version}, ${active.state})` : '') +
            '; promote, roll back or wait for it first',
        );
      }
      throw err;
    }
  }

  async get(id: string): Promise<RolloutRow> {
    const [row] = await this.dataSource.query<RolloutRow[]>(`SELECT * FROM rollout WHERE id = $1`, [
      id,
    ]);
    if (!row) throw new ServiceException(ErrorCode.NotFound, `no rollout ${id}`);
    return row;
  }

  async active(modelName: string, m: EntityManager | DataSource = this.dataSource) {
    const [row] = await m.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE model_name = $1 AND state IN (${ACTIVE_SQL})`,
      [modelName],
    );
    return row as RolloutRow | undefined;
  }

  /** The active rollout, else the latest one. */
  async current(modelName: string): Promise<RolloutRow | undefined> {
    const [row] = await this.dataSource.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE model_name = $1
       ORDER BY state IN (${ACTIVE_SQL}) DESC, created_at DESC LIMIT 1`,
      [modelName],
    );
    return row;
  }

  list(modelName: string, limit: number): Promise<RolloutRow[]> {
    return this.dataSource.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE model_name = $1 ORDER BY created_at DESC LIMIT $2`,
      [modelName, limit],
    );
  }

  /** The latest rollout of every model (what the metrics show). */
  latestPerModel(): Promise<RolloutRow[]> {
    return this.dataSource.query<RolloutRow[]>(
      `SELECT DISTINCT ON (model_name) * FROM rollout ORDER BY model_name, created_at DESC`,
    );
  }

  /** An ended rollout of the model whose registry change is not made yet. */
  async owingRegistry(modelName: string): Promise<RolloutRow | undefined> {
    const [row] = await this.dataSource.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE model_name = $1 AND registry_pending IS NOT NULL LIMIT 1`,
      [modelName],
    );
    return row;
  }

  /** The model's active rollout, locked for the transaction (a check in progress is waited for). */
  async lockActive(m: EntityManager, modelName: string): Promise<RolloutRow | undefined> {
    const [row] = await m.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE model_name = $1 AND state IN (${ACTIVE_SQL}) FOR UPDATE`,
      [modelName],
    );
    return row;
  }

  /** A progressing rollout still waiting for its challenger to serve, locked, or none. */
  async lockWaiting(m: EntityManager): Promise<RolloutRow | undefined> {
    const [row] = await m.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE state = 'progressing' AND ready_at IS NULL
       ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1`,
    );
    return row;
  }

  /** A progressing rollout whose analysis is due, locked; one another controller holds is skipped. */
  async lockDue(m: EntityManager): Promise<RolloutRow | undefined> {
    const [row] = await m.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE state = 'progressing' AND next_check_at <= now()
       ORDER BY next_check_at FOR UPDATE SKIP LOCKED LIMIT 1`,
    );
    return row;
  }

  /** An ended rollout whose registry change is due (`id`: that one only), locked, or none. */
  async lockOwing(m: EntityManager, id?: string): Promise<RolloutRow | undefined> {
    const [row] = await m.query<RolloutRow[]>(
      `SELECT * FROM rollout WHERE registry_pending IS NOT NULL
         AND ${id ? 'id = $1' : 'registry_retry_at <= now()'}
       ORDER BY registry_retry_at FOR UPDATE SKIP LOCKED LIMIT 1`,
      id ? [id] : [],
    );
    return row;
  }

  /** The rollout's measurements not judged yet, marked judged by this (uncommitted) check. */
  async takeStats(m: EntityManager, rolloutId: string): Promise<RolloutStatsV1[]> {
    const rows = await m.query<{ payload: RolloutStatsV1 }[]>(
      `WITH taken AS (
         UPDATE rollout_stats SET checked_at = now()
         WHERE rollout_id = $1 AND checked_at IS NULL RETURNING payload)
       SELECT payload FROM taken`,
      [rolloutId],
    );
    return rows.map((r) => r.payload);
  }

  /**
   * Deletes gateway measurements older than a week: every one has been judged by then (an
   * interval is at most a day), and each check keeps the figures it judged.
   */
  async pruneStats(): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM rollout_stats WHERE window_end < now() - make_interval(days => $1)`,
      [STATS_KEPT_DAYS],
    );
  }

  /** Stores a gateway's measurements of an active rollout, once per message. */
  async storeStats(e: RolloutStatsV1): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO rollout_stats (stats_id, rollout_id, gateway, window_end, payload)
       SELECT $1, id, $3, $4, $5 FROM rollout WHERE id = $2 AND state IN (${ACTIVE_SQL})
       ON CONFLICT (stats_id) DO NOTHING`,
      [e.statsId, e.rolloutId, e.gateway, e.windowEnd, JSON.stringify(e)],
    );
  }

  async recordCheck(
    m: EntityManager,
    row: RolloutRow,
    check: { verdict: RolloutVerdict; reasons: string[]; metrics: Record<string, unknown> },
  ) {
    await m.query(
      `INSERT INTO rollout_check (rollout_id, step_index, weight, verdict, reasons, metrics)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        row.id,
        row.step_index,
        row.weight,
        check.verdict,
        check.reasons,
        JSON.stringify(check.metrics),
      ],
    );
  }

  /** A change gateways need not hear (a check's bookkeeping): no revision, no event. */
  async update(m: EntityManager, row: RolloutRow, patch: RolloutPatch): Promise<RolloutRow> {
    return this.write(m, row, patch, false);
  }

  /** A change gateways route by: the revision goes up, it is published and audited. */
  async change(
    m: EntityManager,
    row: RolloutRow,
    patch: RolloutPatch,
    audit: AuditEntry,
  ): Promise<RolloutRow> {
    const changed = await this.write(m, row, patch, true);
    await this.audit(m, row.id, {
      ...audit,
      details: { ...audit.details, revision: changed.revision, weight: changed.weight },
    });
    await this.announce(m, changed, audit.actor, audit.reason ?? null);
    return changed;
  }

  /** After the registry answered: done (error: the note to keep), or failed and retried later. */
  async registryAttempt(
    m: EntityManager,
    row: RolloutRow,
    outcome: { done: boolean; note?: string },
  ) {
    await m.query(
      `UPDATE rollout SET registry_error = $2, updated_at = now(),
         registry_pending = CASE WHEN $3::boolean THEN NULL ELSE registry_pending END,
         registry_retry_at = CASE WHEN $3::boolean THEN NULL
                                  ELSE now() + make_interval(secs => interval_s) END
       WHERE id = $1`,
      [row.id, outcome.note ?? null, outcome.done],
    );
  }

  async audit(m: EntityManager, rolloutId: string, entry: AuditEntry) {
    await m.query(
      `INSERT INTO rollout_event (rollout_id, actor, action, reason, details)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        rolloutId,
        entry.actor,
        entry.action,
        entry.reason ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  /** Rows as the API shows them, each with its latest checks (one query for all). */
  async views(rows: RolloutRow[]): Promise<RolloutView[]> {
    if (rows.length === 0) return [];
    const checks = await this.dataSource.query<CheckRow[]>(
      `SELECT * FROM (
         SELECT c.*, row_number() OVER (PARTITION BY rollout_id ORDER BY id DESC) AS n
         FROM rollout_check c WHERE rollout_id = ANY($1::uuid[])) latest
       WHERE n <= $2 ORDER BY id DESC`,
      [rows.map((r) => r.id), CHECKS_PER_VIEW],
    );
    return rows.map((row) =>
      rolloutView(
        row,
        checks.filter((c) => c.rollout_id === row.id),
      ),
    );
  }

  private async write(
    m: EntityManager,
    row: RolloutRow,
    patch: RolloutPatch,
    announced: boolean,
  ): Promise<RolloutRow> {
    const params: unknown[] = [row.id];
    const sets = ['updated_at = now()'];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (announced) sets.push('revision = revision + 1');
    if (patch.state !== undefined) set('state', patch.state);
    if (patch.stepIndex !== undefined) set('step_index', patch.stepIndex);
    if (patch.weight !== undefined) set('weight', patch.weight);
    if (patch.failedChecks !== undefined) set('failed_checks', patch.failedChecks);
    if (patch.reason !== undefined) set('reason', patch.reason);
    if (patch.checkedAt) set('last_check_at', patch.checkedAt);
    if (patch.ready) sets.push('ready_at = now()');
    if (patch.finished || patch.schedule === 'none') sets.push('next_check_at = NULL');
    else if (patch.checkedAt || patch.schedule === 'next-interval') {
      sets.push('next_check_at = now() + make_interval(secs => interval_s)');
    }
    if (patch.finished) {
      sets.push('finished_at = now()');
      set('registry_pending', patch.finished.registry);
      if (patch.finished.registry) {
        params.push(patch.finished.retryInSeconds);
        sets.push(`registry_retry_at = now() + make_interval(secs => $${params.length}::int)`);
      }
    }
    const [changed] = await m.query<RolloutRow[]>(
      `WITH changed AS (UPDATE rollout SET ${sets.join(', ')} WHERE id = $1 RETURNING *)
       SELECT * FROM changed`,
      params,
    );
    return changed;
  }

  private announce(m: EntityManager, row: RolloutRow, actor: string, reason: string | null) {
    const active = ACTIVE_ROLLOUT_STATES.includes(row.state);
    return this.outbox.add(
      m,
      RolloutChanged,
      {
        rolloutId: row.id,
        modelName: row.model_name,
        version: row.version,
        championVersion: row.champion_version,
        state: row.state,
        mode: row.mode,
        weight: row.weight,
        // An ended rollout, or one whose challenger does not serve yet, sends it nothing, copies
        // included.
        mirrorPercent: active && row.ready_at ? row.mirror_percent : 0,
        sticky: row.sticky,
        revision: row.revision,
        actor,
        ...(reason ? { reason: reason.slice(0, 2000) } : {}),
        occurredAt: new Date().toISOString(),
      },
      `rollout.changed:${row.id}:${row.revision}`,
    );
  }
}

const codeOf = (err: unknown) => (err as { driverError?: { code?: string } }).driverError?.code;

function rolloutView(row: RolloutRow, checks: CheckRow[]): RolloutView {
  return {
    id: row.id,
    modelName: row.model_name,
    version: row.version,
    championVersion: row.champion_version,
    state: row.state,
    mode: row.mode,
    steps: row.steps,
    stepIndex: row.step_index,
    weight: row.weight,
    mirrorPercent: row.mirror_percent,
    sticky: row.sticky,
    intervalSeconds: row.interval_s,
    failedChecks: row.failed_checks,
    failureThreshold: row.failure_threshold,
    revision: row.revision,
    createdBy: row.created_by,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    nextCheckAt: row.next_check_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    registryPending: row.registry_pending,
    registryError: row.registry_pending ? row.registry_error : null,
    checks: checks.map(checkView),
  };
}

function checkView(c: CheckRow): RolloutCheckView {
  return {
    at: c.at.toISOString(),
    stepIndex: c.step_index,
    weight: c.weight,
    verdict: c.verdict,
    reasons: c.reasons,
    metrics: c.metrics,
  };
}
