import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  PipelineStateChanged,
  type PipelineProgressView,
  type PipelineRunView,
  type PipelineState,
  type PipelineTrigger,
  ServiceException,
} from '@sentimentops/contracts';
import { Outbox } from '@sentimentops/persistence';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

export const TERMINAL: readonly PipelineState[] = [
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  'rejected',
];
/** TERMINAL as an SQL list (constant text, never input). */
const TERMINAL_SQL = TERMINAL.map((s) => `'${s}'`).join(', ');
export const isTerminal = (s: PipelineState) => TERMINAL.includes(s);

export interface RunRow {
  id: string;
  state: PipelineState;
  trigger: PipelineTrigger;
  reason: string;
  requested_by: string;
  failed_step: string | null;
  error: string | null;
  progress: PipelineProgressView | null;
  outputs: Record<string, unknown>;
  cancel_requested: boolean;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  joined?: string;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Pipeline runs in PostgreSQL: the durable state machine. A run moves through its states one
 * committed step at a time, each move published as `pipeline.state-changed.v1` in the same
 * transaction; at most one run is active, and a trigger while it is joins it.
 */
@Injectable()
export class PipelineRuns {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** A new run, or the active one (with this trigger recorded against it). */
  async start(
    trigger: PipelineTrigger,
    reason: string,
    actor: string,
  ): Promise<{ run: RunRow; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const active = await this.active();
      if (active) {
        await this.recordTrigger(active.id, trigger, reason, actor, true);
        return { run: await this.get(active.id), created: false };
      }
      const id = randomUUID();
      try {
        await this.dataSource.transaction(async (m) => {
          await m.query(
            `INSERT INTO pipeline_run (id, state, trigger, reason, requested_by)
             VALUES ($1, 'pending', $2, $3, $4)`,
            [id, trigger, reason, actor],
          );
          await m.query(
            `INSERT INTO pipeline_trigger (run_id, trigger, reason, requested_by, joined)
             VALUES ($1, $2, $3, $4, false)`,
            [id, trigger, reason, actor],
          );
          await this.announce(m, id, 'pending');
        });
        void this.outbox.flush();
        return { run: await this.get(id), created: true };
      } catch (err) {
        // Another trigger created the active run between our look and our insert: join it.
        if (!(err instanceof QueryFailedError && codeOf(err) === UNIQUE_VIOLATION)) throw err;
      }
    }
    throw new ServiceException(ErrorCode.Conflict, 'pipeline runs are being started concurrently');
  }

  async get(id: string): Promise<RunRow> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT r.*, (SELECT count(*) FROM pipeline_trigger t WHERE t.run_id = r.id AND t.joined) AS joined
       FROM pipeline_run r WHERE id = $1`,
      [id],
    );
    if (!row) throw new ServiceException(ErrorCode.NotFound, `no pipeline run ${id}`);
    return row;
  }

  async list(limit = 20): Promise<RunRow[]> {
    return this.dataSource.query<RunRow[]>(
      `SELECT r.*, (SELECT count(*) FROM pipeline_trigger t WHERE t.run_id = r.id AND t.joined) AS joined
       FROM pipeline_run r ORDER BY created_at DESC LIMIT $1`,
      [limit],
    );
  }

  async active(): Promise<RunRow | undefined> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT * FROM pipeline_run WHERE state NOT IN (${TERMINAL_SQL})`,
    );
    return row;
  }

  /** Runs per state, and when the newest of each ended (what the metrics show). */
  async summary(): Promise<{ state: PipelineState; runs: number; lastFinishedAt: Date | null }[]> {
    const rows = await this.dataSource.query<
      { state: PipelineState; runs: string; last_finished_at: Date | null }[]
    >(
      `SELECT state, count(*) AS runs, max(finished_at) AS last_finished_at
       FROM pipeline_run GROUP BY state`,
    );
    return rows.map((r) => ({
      state: r.state,
      runs: Number(r.runs),
      lastFinishedAt: r.last_finished_at,
    }));
  }

  /** The newest run that ended well: where the next one continues from (data watermark). */
  async lastSucceeded(): Promise<RunRow | undefined> {
    const [row] = await this.dataSource.query<RunRow[]>(
      `SELECT * FROM pipeline_run WHERE state = 'succeeded' ORDER BY finished_at DESC LIMIT 1`,
    );
    return row;
  }

  /** Asks the executor to stop the run; a run that has not started is cancelled at once. */
  async cancel(id: string, actor: string, reason?: string): Promise<RunRow> {
    const run = await this.get(id);
    if (isTerminal(run.state)) {
      throw new ServiceException(ErrorCode.FailedPrecondition, `run ${id} already ${run.state}`);
    }
    await this.dataSource.query(
      `UPDATE pipeline_run SET cancel_requested = true, updated_at = now() WHERE id = $1`,
      [id],
    );
    await this.recordTrigger(id, 'manual', `cancel: ${reason ?? 'no reason given'}`, actor, false);
    if (run.state === 'pending')
      await this.finish(id, 'cancelled', { error: `cancelled by ${actor}` });
    return this.get(id);
  }

  /** A failed run starts again from the step that failed (its earlier outputs are kept). */
  async retry(id: string, actor: string, reason?: string): Promise<RunRow> {
    const run = await this.get(id);
    if (run.state !== 'failed' || !run.failed_step) {
      throw new ServiceException(
        ErrorCode.FailedPrecondition,
        `only a failed run can be retried; run ${id} is ${run.state}`,
      );
    }
    try {
      await this.dataSource.transaction(async (m) => {
        await m.query(
          `UPDATE pipeline_run SET state = $2::varchar, error = NULL, failed_step = NULL, finished_at = NULL,
             cancel_requested = false, lease_owner = NULL, lease_until = NULL, updated_at = now(),
             outputs = outputs || jsonb_build_object('attempt', COALESCE((outputs->>'attempt')::int, 0) + 1)
           WHERE id = $1`,
          [id, run.failed_step],
        );
        await m.query(
          `INSERT INTO pipeline_trigger (run_id, trigger, reason, requested_by, joined)
           VALUES ($1, 'manual', $2, $3, false)`,
          [id, `retry: ${reason ?? 'no reason given'}`, actor],
        );
        await this.announce(m, id, run.failed_step as PipelineState, 'failed');
      });
    } catch (err) {
      if (err instanceof QueryFailedError && codeOf(err) === UNIQUE_VIOLATION) {
        throw new ServiceException(ErrorCode.Conflict, 'another run is active; retry it later');
      }
      throw err;
    }
    void this.outbox.flush();
    return this.get(id);
  }

  /** Claims a run to execute (a free one, or one whose executor's lease ran out). */
  async claim(owner: string, leaseSeconds: number): Promise<RunRow | undefined> {
    // TypeORM answers an UPDATE with [rows, count]; a SELECT over the CTE answers the rows.
    const [row] = await this.dataSource.query<RunRow[]>(
      `WITH claimed AS (
         UPDATE pipeline_run SET lease_owner = $1, lease_until = now() + make_interval(secs => $2)
         WHERE id = (SELECT id FROM pipeline_run
                     WHERE state NOT IN (${TERMINAL_SQL})
                       AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until < now())
                     FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING *)
       SELECT * FROM claimed`,
      [owner, leaseSeconds],
    );
    return row;
  }

  async renew(id: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `WITH renewed AS (
         UPDATE pipeline_run SET lease_until = now() + make_interval(secs => $3)
         WHERE id = $1 AND lease_owner = $2 RETURNING id)
       SELECT id FROM renewed`,
      [id, owner, leaseSeconds],
    );
    return rows.length > 0;
  }

  /** Gives up this controller's lease (on shutdown), so another controller resumes at once. */
  async release(owner: string) {
    await this.dataSource.query(
      `UPDATE pipeline_run SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1`,
      [owner],
    );
  }

  /** Moves a run to its next state, merging what the finished step produced. */
  async advance(id: string, to: PipelineState, outputs: Record<string, unknown> = {}) {
    await this.dataSource.transaction(async (m) => {
      const [{ state }] = await m.query<{ state: PipelineState }[]>(
        `SELECT state FROM pipeline_run WHERE id = $1 FOR UPDATE`,
        [id],
      );
      await m.query(
        `UPDATE pipeline_run SET state = $2::varchar, outputs = outputs || $3::jsonb, progress = NULL,
           updated_at = now(),
           finished_at = CASE WHEN $2::varchar IN ('succeeded', 'skipped') THEN now() END
         WHERE id = $1`,
        [id, to, JSON.stringify(outputs)],
      );
      await this.announce(m, id, to, state);
    });
    void this.outbox.flush();
  }

  async finish(
    id: string,
    to: 'failed' | 'cancelled' | 'skipped' | 'rejected' | 'succeeded',
    { error, failedStep }: { error?: string; failedStep?: string } = {},
  ) {
    await this.dataSource.transaction(async (m) => {
      const [{ state }] = await m.query<{ state: PipelineState }[]>(
        `SELECT state FROM pipeline_run WHERE id = $1 FOR UPDATE`,
        [id],
      );
      await m.query(
        `UPDATE pipeline_run SET state = $2, error = $3, failed_step = $4, progress = NULL,
           finished_at = now(), updated_at = now(), lease_owner = NULL, lease_until = NULL
         WHERE id = $1`,
        [id, to, error ?? null, failedStep ?? null],
      );
      await this.announce(m, id, to, state, error);
    });
    void this.outbox.flush();
  }

  async setProgress(id: string, progress: PipelineProgressView) {
    await this.dataSource.query(
      `UPDATE pipeline_run SET progress = $2, updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(progress)],
    );
  }

  async cancelRequested(id: string): Promise<boolean> {
    const [row] = await this.dataSource.query<{ cancel_requested: boolean }[]>(
      `SELECT cancel_requested FROM pipeline_run WHERE id = $1`,
      [id],
    );
    return row?.cancel_requested ?? false;
  }

  private async recordTrigger(
    runId: string,
    trigger: PipelineTrigger,
    reason: string,
    actor: string,
    joined: boolean,
  ) {
    await this.dataSource.query(
      `INSERT INTO pipeline_trigger (run_id, trigger, reason, requested_by, joined)
       VALUES ($1, $2, $3, $4, $5)`,
      [runId, trigger, reason, actor, joined],
    );
  }

  private announce(
    m: EntityManager,
    runId: string,
    state: PipelineState,
    previousState?: PipelineState,
    error?: string,
  ) {
    const occurredAt = new Date().toISOString();
    return this.outbox.add(
      m,
      PipelineStateChanged,
      {
        runId,
        state,
        ...(previousState ? { previousState } : {}),
        ...(error ? { error: error.slice(0, 2000) } : {}),
        occurredAt,
      },
      `pipeline.state-changed:${runId}:${state}:${occurredAt}`,
    );
  }
}

const codeOf = (err: unknown) => (err as { driverError?: { code?: string } }).driverError?.code;

export function runView(row: RunRow): PipelineRunView {
  return {
    id: row.id,
    state: row.state,
    trigger: row.trigger,
    reason: row.reason,
    requestedBy: row.requested_by,
    failedStep: row.failed_step,
    error: row.error,
    progress: row.progress,
    outputs: row.outputs,
    joinedTriggers: Number(row.joined ?? 0),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
