import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { modelStatusContract } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EntityManager } from 'typeorm';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { LiveAccuracySource } from './live-accuracy.js';
import { aggregateStats, analyse } from './rollout-analysis.js';
import { RolloutMetrics } from './rollout.metrics.js';
import { afterCheck, type RolloutPosition, weightAt } from './rollout-plan.js';
import { type Aliases, RolloutRegistry } from './rollout-registry.js';
import { type RolloutRow, RolloutStore } from './rollout-store.js';
import { Rollouts } from './rollouts.js';

const TICK_MS = 500;
const READY_EVERY_TICKS = 2;
const PRUNE_EVERY_TICKS = 1_200; // 10 minutes
const STATUS_TIMEOUT_MS = 2_000;
const METRICS_EVERY_TICKS = 4;

/**
 * Judges progressing rollouts, each once an interval: every controller looks, and the one that
 * locks the due rollout (FOR UPDATE SKIP LOCKED) judges it in that transaction, so a check is made
 * once. A check takes the gateways' measurements not judged yet, asks drift for live accuracy,
 * stores its verdict and moves the rollout on (the next step, promoted, rolled back) or holds it.
 * The same loop asks the registry again for the changes ended rollouts still owe.
 */
@Injectable()
export class RolloutAnalyser implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RolloutAnalyser.name);
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly store: RolloutStore,
    private readonly rollouts: Rollouts,
    private readonly registry: RolloutRegistry,
    private readonly accuracy: LiveAccuracySource,
    private readonly metrics: RolloutMetrics,
    private readonly requester: NatsRequester,
    private readonly config: TrainerControllerConfig,
  ) {}

  onApplicationBootstrap() {
    this.loop = this.run();
  }

  async onApplicationShutdown() {
    this.stopping.abort();
    await this.loop;
  }

  private async run() {
    const { signal } = this.stopping;
    for (let tick = 0; !signal.aborted; tick++) {
      try {
        if (tick % READY_EVERY_TICKS === 0 && !signal.aborted) await this.waitReady();
        while (!signal.aborted && (await this.checkDue()));
        while (!signal.aborted && (await this.rollouts.settleRegistry()));
        if (tick % METRICS_EVERY_TICKS === 0) this.metrics.show(await this.store.latestPerModel());
        if (tick % PRUNE_EVERY_TICKS === 0) await this.store.pruneStats();
      } catch (err) {
        if (signal.aborted) return;
        this.logger.error(`rollout analysis: ${String(err)}`);
      }
      await sleep(TICK_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  /**
   * A rollout starts at weight 0: the challenger track loads the version when the registry makes
   * it challenger, and traffic sent before it serves would be judged as the model's errors. Once
   * the track answers with the version, the first step's weight is published and the first check
   * is an interval away; a track that never serves it rolls the rollout back.
   */
  async waitReady(): Promise<void> {
    const ended = await this.store.transaction(async (m) => {
      const row = await this.store.lockWaiting(m);
      if (!row) return undefined;
      const serving = await this.requester
        .request(modelStatusContract('challenger'), {}, STATUS_TIMEOUT_MS)
        .then((s) => (s.ready ? s.model.version : `v${s.model.version}, not ready`))
        .catch((err: Error) => `no answer: ${err.message}`);
      if (serving === row.version) {
        await this.store.change(
          m,
          row,
          {
            weight: weightAt(row.mode, row.steps, row.step_index),
            ready: true,
            schedule: 'next-interval',
          },
          {
            actor: 'rollout',
            action: 'ready',
            reason: `the challenger track serves v${row.version}`,
          },
        );
        this.logger.log(`rollout ${row.id}: the challenger track serves v${row.version}`);
        return undefined;
      }
      const waited = (Date.now() - row.created_at.getTime()) / 1000;
      this.logger.debug(`rollout ${row.id}: waiting for the challenger track (${serving})`);
      if (waited < this.config.ROLLOUT_READY_TIMEOUT_S) return undefined;
      return this.rollouts.end(
        m,
        row,
        'rollback',
        'rollout',
        `the challenger track did not serve v${row.version} within ` +
          `${this.config.ROLLOUT_READY_TIMEOUT_S} s (last: ${/^\d+$/.test(serving) ? `v${serving}` : serving})`,
        {},
      );
    });
    if (ended?.registry_pending) await this.rollouts.settleRegistry(ended.id);
  }

  /** Judges one due rollout, if there is one; true when it did. */
  async checkDue(): Promise<boolean> {
    const checked = await this.store.transaction(async (m) => {
      const row = await this.store.lockDue(m);
      return row ? this.check(m, row) : undefined;
    });
    if (!checked) return false;
    if (checked.registry_pending) await this.rollouts.settleRegistry(checked.id);
    return true;
  }

  private async check(m: EntityManager, row: RolloutRow): Promise<RolloutRow> {
    const checkedAt = new Date();
    const stats = await this.store.takeStats(m, row.id);
    const aliases = await this.registry.aliases(row.model_name).catch((err: Error) => {
      this.logger.warn(`rollout ${row.id}: aliases not read (${err.message}); judging anyway`);
      return undefined;
    });
    if (aliases && aliases.challenger?.version !== row.version) {
      return this.superseded(m, row, aliases);
    }
    const accuracy = await this.accuracy.compare(
      row.model_name,
      {
        champion: aliases?.champion?.version ?? row.champion_version,
        challenger: row.version,
      },
      row.last_check_at,
      checkedAt,
    );
    const analysis = analyse(aggregateStats(stats), accuracy, this.config.rolloutPolicy());
    await this.store.recordCheck(m, row, analysis);
    const transition = afterCheck(position(row), analysis.verdict);
    this.logger.log(
      `rollout ${row.id} v${row.version} at ${row.weight}%: ${analysis.verdict} -> ${transition.kind}` +
        (analysis.failures.length ? ` (${analysis.failures.join('; ')})` : ''),
    );
    switch (transition.kind) {
      case 'hold':
        return this.store.update(m, row, { checkedAt });
      case 'failed':
        return this.store.update(m, row, { checkedAt, failedChecks: transition.failedChecks });
      case 'step':
        return this.store.change(
          m,
          row,
          { checkedAt, stepIndex: transition.stepIndex, weight: transition.weight },
          {
            actor: 'rollout',
            action: 'step',
            reason: `check passed at step ${row.step_index + 1} of ${row.steps.length}`,
            details: { from: row.step_index, to: transition.stepIndex },
          },
        );
      case 'promote':
        return this.rollouts.end(
          m,
          row,
          'promote',
          'rollout',
          row.mode === 'shadow'
            ? `all ${row.steps.length} shadow checks passed`
            : `every step passed (${row.steps.join(', ')} %)`,
          { checkedAt },
        );
      case 'rollback':
        return this.rollouts.end(
          m,
          row,
          'rollback',
          'rollout',
          `${transition.failedChecks} failed checks; the last: ${analysis.failures.join('; ')}`,
          { checkedAt, failedChecks: transition.failedChecks },
        );
    }
  }

  /**
   * The version stopped being the challenger under the rollout (a person, or another pipeline
   * run, set another): what the challenger track serves is no longer what this rollout tries,
   * so it ends without a verdict, leaving the registry as it is.
   */
  private superseded(m: EntityManager, row: RolloutRow, aliases: Aliases): Promise<RolloutRow> {
    if (aliases.champion?.version === row.version) {
      return this.rollouts.end(
        m,
        row,
        'promote',
        'rollout',
        `v${row.version} was made champion outside the rollout`,
        { registry: false },
      );
    }
    const now = aliases.challenger?.version;
    this.logger.warn(`rollout ${row.id}: v${row.version} is no longer the challenger; ending it`);
    return this.rollouts.end(
      m,
      row,
      'rollback',
      'rollout',
      `v${row.version} is no longer the challenger (now ${now ? `v${now}` : 'none'}); ` +
        'the rollout stopped without a verdict',
      { registry: false },
    );
  }
}

const position = (row: RolloutRow): RolloutPosition => ({
  mode: row.mode,
  steps: row.steps,
  stepIndex: row.step_index,
  failedChecks: row.failed_checks,
  failureThreshold: row.failure_threshold,
});
