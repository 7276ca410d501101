import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  ACTIVE_ROLLOUT_STATES,
  ErrorCode,
  RolloutChanged,
  type RolloutChangedV1,
  type RolloutMode,
  type RolloutState,
  type RolloutView,
  ServiceException,
  type Track,
} from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { createHash } from 'node:crypto';
import type { Gauge } from 'prom-client';
import { SERVED_MODEL_NAME } from '../predict/sentiment-predictor.js';
import { RolloutMetric } from './rollout.metrics.js';
import { RolloutsClient } from './rollouts.client.js';

/** Uniform numbers in [0, 1): Math.random in the app, a seeded sequence in tests. */
export type RandomSource = () => number;
export const ROLLOUT_RANDOM = Symbol('ROLLOUT_RANDOM');

/** What the router knows of a model's latest rollout (from an event or the controller's view). */
export interface RolloutRoute {
  rolloutId: string;
  modelName: string;
  version: string;
  state: RolloutState;
  mode: RolloutMode;
  weight: number;
  mirrorPercent: number;
  sticky: boolean;
  revision: number;
  /** When the controller made this revision (ms since the epoch). */
  changedAt: number;
}

/**
 * Where one batch goes: the track that answers the client, and whether the challenger also gets a
 * copy once the champion has answered (shadow mode, or a mirrored share in canary mode).
 */
export interface RouteDecision {
  rollout: RolloutRoute;
  track: Track;
  copy: boolean;
}

/** Tries of the first read; the trainer-controller may start after the gateway. */
const READ_ATTEMPTS = 10;
/** Errors that mean "not there yet" rather than "refused". */
const NOT_YET = new Set<ErrorCode>([ErrorCode.Unavailable, ErrorCode.DeadlineExceeded]);

/**
 * The canary split as this gateway applies it: each model's latest rollout, read once at start
 * from the trainer-controller and then kept current from `rollout.changed.v1` (every replica hears
 * every change). A revision of a rollout replaces only an older revision of it, and another
 * rollout replaces it only if that one changed later, so a late reply or a redelivered event never
 * moves the split back.
 *
 * A rollout that is progressing or paused is active (paused keeps its weight); once promoted or
 * rolled back the challenger gets no traffic.
 */
@Injectable()
export class RolloutRouter implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RolloutRouter.name);
  private readonly latest = new Map<string, RolloutRoute>();
  private stopped = false;

  constructor(
    private readonly consumers: EventConsumers,
    private readonly rollouts: RolloutsClient,
    @InjectMetric(RolloutMetric.weight) private readonly weight: Gauge<string>,
    @Inject(ROLLOUT_RANDOM) private readonly random: RandomSource,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: RolloutChanged,
      durable: 'gateway-rollouts',
      scope: 'instance',
      handler: (event) => Promise.resolve(this.onChanged(event)),
    });
  }

  onApplicationBootstrap() {
    void this.readCurrent(SERVED_MODEL_NAME);
  }

  onApplicationShutdown() {
    this.stopped = true;
  }

  /** The model's active rollout, if this gateway knows of one. */
  active(modelName: string): RolloutRoute | undefined {
    const rollout = this.latest.get(modelName);
    return rollout && ACTIVE_ROLLOUT_STATES.includes(rollout.state) ? rollout : undefined;
  }

  /**
   * Where a batch for `modelName` goes. Canary: the challenger answers `weight` percent of the
   * batches, by chance, or, for a sticky rollout and a caller that gave a routing key, by the key's
   * bucket, so one caller stays on one track while the weight holds; `mirrorPercent` of the rest
   * are copied to it. Shadow: the champion answers every batch, and every one is copied.
   * Undefined when no rollout is active.
   */
  route(modelName: string, routingKey?: string): RouteDecision | undefined {
    const rollout = this.active(modelName);
    if (!rollout) return undefined;
    if (rollout.mode === 'shadow') return { rollout, track: 'champion', copy: true };
    const toChallenger =
      rollout.sticky && routingKey
        ? stickyBucket(rollout.rolloutId, routingKey) < rollout.weight
        : this.random() * 100 < rollout.weight;
    if (toChallenger) return { rollout, track: 'challenger', copy: false };
    return { rollout, track: 'champion', copy: this.random() * 100 < rollout.mirrorPercent };
  }

  onChanged(event: RolloutChangedV1) {
    this.apply({
      rolloutId: event.rolloutId,
      modelName: event.modelName,
      version: event.version,
      state: event.state,
      mode: event.mode,
      weight: event.weight,
      mirrorPercent: event.mirrorPercent,
      sticky: event.sticky,
      revision: event.revision,
      changedAt: Date.parse(event.occurredAt),
    });
  }

  /** The controller's view (the first read): applied under the same rules as an event. */
  onView(view: RolloutView) {
    this.apply({
      rolloutId: view.id,
      modelName: view.modelName,
      version: view.version,
      state: view.state,
      mode: view.mode,
      weight: view.weight,
      mirrorPercent: view.mirrorPercent,
      sticky: view.sticky,
      revision: view.revision,
      changedAt: Date.parse(view.updatedAt),
    });
  }

  private apply(next: RolloutRoute): boolean {
    const known = this.latest.get(next.modelName);
    if (known) {
      const same = known.rolloutId === next.rolloutId;
      if (same && next.revision <= known.revision) return false;
      if (!same && next.changedAt < known.changedAt) return false;
    }
    const wasActive = this.active(next.modelName);
    if (wasActive) this.weight.remove({ model: next.modelName, version: wasActive.version });
    this.latest.set(next.modelName, next);
    const active = this.active(next.modelName);
    if (active)
      this.weight.set({ model: active.modelName, version: active.version }, active.weight);
    this.logger.log(
      `rollout ${next.rolloutId} of ${next.modelName} v${next.version}: ${next.state}, ` +
        `${next.mode} ${next.weight}%` +
        `${next.mirrorPercent > 0 ? `, mirror ${next.mirrorPercent}%` : ''}` +
        `${next.sticky ? ', sticky' : ''} (revision ${next.revision})`,
    );
    return true;
  }

  /** A few tries, then the events alone. */
  private async readCurrent(modelName: string) {
    for (let attempt = 1; attempt <= READ_ATTEMPTS && !this.stopped; attempt++) {
      try {
        const { rollout } = await this.rollouts.current({ modelName });
        if (rollout) this.onView(rollout);
        return;
      } catch (err) {
        const notYet = !(err instanceof ServiceException) || NOT_YET.has(err.code);
        if (!notYet || attempt === READ_ATTEMPTS) {
          this.logger.warn(`current rollout of ${modelName} not read: ${String(err)}`);
          return;
        }
        await delay(1_000 * attempt);
      }
    }
  }
}

/**
 * A routing key's bucket in 0-99 for one rollout: the same on every gateway replica and across
 * restarts, and independent between rollouts, so a new rollout draws its canary population anew.
 */
export function stickyBucket(rolloutId: string, routingKey: string): number {
  const digest = createHash('sha256').update(`${rolloutId}\n${routingKey}`).digest();
  return digest.readUInt32BE(0) % 100;
}

/** A pause that does not keep a stopping process alive. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
