import { Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  type RolloutActionRequest,
  type RolloutView,
  ServiceException,
  type StartRolloutRequest,
} from '@sentimentops/contracts';
import { type EntityManager } from 'typeorm';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { stepsProblem } from './rollout-plan.js';
import { RolloutRegistry } from './rollout-registry.js';
import { type RolloutPatch, type RolloutRow, RolloutStore } from './rollout-store.js';

/**
 * What can be done to a rollout, by a person (the rollout API), the pipeline or the analysis:
 * start one of the model's challenger, pause and resume it, end it promoted or rolled back.
 * An ending is published first (weight 0: gateways stop sending the challenger traffic), then
 * made in the registry; a registry that does not take it is asked again until it does.
 */
@Injectable()
export class Rollouts {
  private readonly logger = new Logger(Rollouts.name);

  constructor(
    private readonly store: RolloutStore,
    private readonly registry: RolloutRegistry,
    private readonly config: TrainerControllerConfig,
  ) {}

  async start(r: StartRolloutRequest): Promise<RolloutRow> {
    const modelName = this.modelOf(r);
    const steps = r.steps ?? this.config.rolloutSteps();
    const problem = stepsProblem(steps);
    if (problem) throw new ServiceException(ErrorCode.InvalidArgument, `invalid steps: ${problem}`);
    const active = await this.store.active(modelName);
    if (active) {
      throw new ServiceException(
        ErrorCode.Conflict,
        `${modelName} has an active rollout (${active.id}, v${active.version}, ${active.state}); ` +
          'promote or roll it back first',
      );
    }
    const owing = await this.store.owingRegistry(modelName);
    if (owing) {
      throw new ServiceException(
        ErrorCode.Conflict,
        `rollout ${owing.id} ended ${owing.state} and the registry has not taken it yet` +
          (owing.registry_error ? ` (${owing.registry_error})` : '') +
          `; it is asked again every ${owing.interval_s} s`,
      );
    }
    const { champion, challenger } = await this.registry.aliases(modelName);
    if (challenger?.version !== r.version) {
      throw new ServiceException(
        ErrorCode.FailedPrecondition,
        `v${r.version} is not the challenger of ${modelName} ` +
          `(the challenger is ${challenger?.version ? `v${challenger.version}` : 'unset'}); ` +
          'a rollout tries the challenger: make it challenger first',
      );
    }
    const mode = r.mode ?? this.config.ROLLOUT_MODE;
    const row = await this.store.insert({
      modelName,
      version: r.version,
      championVersion: champion?.version ?? null,
      mode,
      steps,
      // No traffic until the challenger track serves the version (RolloutAnalyser.waitReady).
      weight: 0,
      mirrorPercent: mode === 'shadow' ? 100 : this.config.ROLLOUT_MIRROR_PERCENT,
      sticky: r.sticky ?? this.config.ROLLOUT_STICKY,
      intervalSeconds: r.intervalSeconds ?? this.config.ROLLOUT_INTERVAL_S,
      failureThreshold: this.config.ROLLOUT_FAILURE_THRESHOLD,
      actor: r.actor,
      reason: r.reason ?? null,
    });
    this.logger.log(
      `rollout ${row.id}: ${modelName} v${row.version} ${mode} (steps ${steps.join(', ')}) by ${r.actor}; ` +
        'traffic once the challenger track serves it',
    );
    return row;
  }

  async current(modelName?: string): Promise<RolloutView | null> {
    const row = await this.store.current(modelName ?? this.config.TRAINER_MODEL_NAME);
    return row ? this.view(row) : null;
  }

  async list(modelName?: string, limit = 20): Promise<RolloutView[]> {
    const rows = await this.store.list(modelName ?? this.config.TRAINER_MODEL_NAME, limit);
    return this.store.views(rows);
  }

  async view(row: RolloutRow): Promise<RolloutView> {
    const [view] = await this.store.views([row]);
    return view;
  }

  /** Analysis stops; the challenger keeps its weight. */
  pause(r: RolloutActionRequest): Promise<RolloutRow> {
    return this.act(r, (m, row) => {
      if (row.state !== 'progressing') throw notNow(row, 'paused');
      return this.store.change(
        m,
        row,
        { state: 'paused', schedule: 'none' },
        { actor: r.actor, action: 'pause', reason: r.reason },
      );
    });
  }

  /** Analysis goes on from the step it was at, the next check an interval from now. */
  resume(r: RolloutActionRequest): Promise<RolloutRow> {
    return this.act(r, (m, row) => {
      if (row.state !== 'paused') throw notNow(row, 'resumed');
      return this.store.change(
        m,
        row,
        { state: 'progressing', schedule: 'next-interval' },
        { actor: r.actor, action: 'resume', reason: r.reason },
      );
    });
  }

  async promote(r: RolloutActionRequest): Promise<RolloutRow> {
    const row = await this.act(r, (m, active) =>
      this.end(m, active, 'promote', r.actor, byHand('promoted', r)),
    );
    return (await this.settleRegistry(row.id)) ?? row;
  }

  async rollback(r: RolloutActionRequest): Promise<RolloutRow> {
    const row = await this.act(r, (m, active) =>
      this.end(m, active, 'rollback', r.actor, byHand('rolled back', r)),
    );
    return (await this.settleRegistry(row.id)) ?? row;
  }

  /**
   * Ends a rollout: published first with weight 0, owing the registry its change (champion for a
   * promotion; a rollback clears challenger and rejects the version). `registry: false` when
   * the registry already is as the ending leaves it.
   */
  end(
    m: EntityManager,
    row: RolloutRow,
    how: 'promote' | 'rollback',
    actor: string,
    reason: string,
    { registry = true, ...patch }: RolloutPatch & { registry?: boolean } = {},
  ): Promise<RolloutRow> {
    return this.store.change(
      m,
      row,
      {
        ...patch,
        state: how === 'promote' ? 'promoted' : 'rolled-back',
        weight: 0,
        reason,
        finished: {
          registry: registry ? (how === 'promote' ? 'promote' : 'reject') : null,
          retryInSeconds: row.interval_s,
        },
      },
      { actor, action: how, reason },
    );
  }

  /**
   * Makes the registry change an ended rollout owes (`id`: that one's now; otherwise any whose
   * retry is due). Returns the rollout as it is afterwards, or undefined when none was owing.
   */
  async settleRegistry(id?: string): Promise<RolloutRow | undefined> {
    const settled = await this.store.transaction(async (m) => {
      const row = await this.store.lockOwing(m, id);
      if (!row) return undefined;
      const change = row.registry_pending!;
      try {
        const outcome =
          change === 'promote' ? await this.registry.promote(row) : await this.registry.reject(row);
        await this.store.registryAttempt(m, row, { done: true, note: outcome.note });
        await this.store.audit(m, row.id, {
          actor: 'rollout',
          action: 'registry',
          reason: outcome.note,
          details: { change, changed: outcome.changed },
        });
        this.logger.log(
          `rollout ${row.id}: registry ${change} ${outcome.changed ? 'done' : `skipped (${outcome.note ?? 'already so'})`}`,
        );
      } catch (err) {
        const message = (err as Error).message;
        await this.store.registryAttempt(m, row, { done: false, note: message });
        if (message !== row.registry_error) {
          await this.store.audit(m, row.id, {
            actor: 'rollout',
            action: 'registry-failed',
            reason: message,
            details: { change },
          });
        }
        this.logger.warn(
          `rollout ${row.id} ended ${row.state}, but the registry did not take "${change}" ` +
            `(${message}); asking again in ${row.interval_s} s`,
        );
      }
      return row.id;
    });
    return settled ? this.store.get(settled) : undefined;
  }

  /** Runs `work` on the model's active rollout, locked; none is 404 (or 412 naming the last). */
  private async act(
    r: RolloutActionRequest,
    work: (m: EntityManager, row: RolloutRow) => Promise<RolloutRow>,
  ): Promise<RolloutRow> {
    const modelName = this.modelOf(r);
    const row = await this.store.transaction(async (m) => {
      const active = await this.store.lockActive(m, modelName);
      return active ? work(m, active) : undefined;
    });
    if (row) return row;
    const latest = await this.store.current(modelName);
    if (!latest) throw new ServiceException(ErrorCode.NotFound, `${modelName} has no rollout`);
    throw new ServiceException(
      ErrorCode.FailedPrecondition,
      `${modelName} has no active rollout: the latest (${latest.id}, v${latest.version}) is ${latest.state}`,
    );
  }

  private modelOf(r: { modelName?: string }) {
    return r.modelName ?? this.config.TRAINER_MODEL_NAME;
  }
}

const notNow = (row: RolloutRow, wanted: string) =>
  new ServiceException(
    ErrorCode.FailedPrecondition,
    `rollout ${row.id} is ${row.state}; it cannot be ${wanted}`,
  );

const byHand = (what: string, r: RolloutActionRequest) =>
  `${what} by ${r.actor}${r.reason ? `: ${r.reason}` : ''}`;
