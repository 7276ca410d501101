import { Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  modelStatusContract,
  ServiceException,
  predictContract,
  type ModelStatusReply,
  type PredictReply,
  type Track,
} from '@sentimentops/contracts';
import { NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { GatewayConfig } from '../gateway.config.js';
import { ChallengerCopies } from '../rollouts/challenger-copies.js';
import { RolloutMetric } from '../rollouts/rollout.metrics.js';
import { RolloutRouter, type RolloutRoute } from '../rollouts/rollout.router.js';
import { RolloutStatsAccumulator } from '../rollouts/rollout-stats.accumulator.js';
import { HedgePolicy } from './hedge-policy.js';
import { PredictMetric } from './predict.metrics.js';
import {
  type PredictOptions,
  SentimentPredictor,
  SERVED_MODEL_NAME,
} from './sentiment-predictor.js';

interface Answer {
  track: Track;
  reply: PredictReply;
}

/** Failures another replica may not share: the request is sent once more. */
const RETRYABLE = new Set<ErrorCode>([ErrorCode.DeadlineExceeded, ErrorCode.Unavailable]);

/**
 * Predictions over NATS request/reply, one subject per track served by a queue group of inference
 * replicas. A timeout or "no responders" is retried once: a replica that died or stalled mid-swap
 * should cost one request a retry, not an error. Before that, an attempt slower than the track's
 * recent p99 is hedged (HedgePolicy): a copy goes out and the first answer wins, so the requests a
 * killed replica held cost about a p99, not GATEWAY_PREDICT_TIMEOUT_MS.
 *
 * Under an active rollout the RolloutRouter picks the track of each batch, every batch is measured
 * for the rollout's statistics, and a copy goes to the challenger where the router says so. A
 * batch for a challenger that no longer serves (promoted or rolled back a moment ago) is answered
 * by the champion instead: a rollout ending never fails a request.
 */
@Injectable()
export class InferenceClient extends SentimentPredictor {
  private readonly logger = new Logger(InferenceClient.name);
  private readonly hedging = new Map<Track, HedgePolicy>();

  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
    private readonly router: RolloutRouter,
    private readonly stats: RolloutStatsAccumulator,
    private readonly copies: ChallengerCopies,
    @InjectMetric(PredictMetric.requests) private readonly requests: Counter<string>,
    @InjectMetric(PredictMetric.duration) private readonly duration: Histogram<string>,
    @InjectMetric(RolloutMetric.fallbacks) private readonly fallbacks: Counter<string>,
    @InjectMetric(PredictMetric.hedges) private readonly hedges: Counter<string>,
  ) {
    super();
  }

  async predict(
    texts: string[],
    { route = 'unknown', routingKey }: PredictOptions = {},
  ): Promise<PredictReply & { track: Track }> {
    const decision = this.router.route(SERVED_MODEL_NAME, routingKey);
    const started = performance.now();
    const labels = { route, track: decision?.track ?? 'champion', status: 'OK', model_version: '' };
    try {
      const answer =
        decision?.track === 'challenger'
          ? await this.challengerOrChampion(texts, decision.rollout)
          : await this.answer('champion', texts, decision?.rollout);
      if (decision?.copy) this.copies.send(decision.rollout, texts, answer.reply);
      labels.track = answer.track;
      labels.model_version = answer.reply.model.version;
      return { ...answer.reply, track: answer.track };
    } catch (err) {
      labels.status = err instanceof ServiceException ? err.code : ErrorCode.Internal;
      throw err;
    } finally {
      this.requests.inc(labels);
      this.duration.observe(labels, (performance.now() - started) / 1000);
    }
  }

  modelStatus(track: Track = 'champion'): Promise<ModelStatusReply> {
    return this.withRetry(track, () =>
      this.requester.request(
        modelStatusContract(track),
        {},
        this.config.GATEWAY_PREDICT_TIMEOUT_MS,
      ),
    );
  }

  /** The challenger's answer, or the champion's when no challenger model serves any more. */
  private async challengerOrChampion(texts: string[], rollout: RolloutRoute): Promise<Answer> {
    try {
      return await this.answer('challenger', texts, rollout);
    } catch (err) {
      if (!challengerGone(err)) throw err;
      this.fallbacks.inc({ model: rollout.modelName });
      this.logger.warn(
        `rollout ${rollout.rolloutId}: the champion answers instead (${err.message})`,
      );
      return this.answer('champion', texts, rollout);
    }
  }

  /** One batch on one track; under a rollout, its outcome goes to the rollout's statistics. */
  private async answer(
    track: Track,
    texts: string[],
    rollout: RolloutRoute | undefined,
  ): Promise<Answer> {
    const started = performance.now();
    try {
      const reply = await this.hedged(track, (timeoutMs) =>
        this.requester.request(predictContract(track), { texts }, timeoutMs),
      );
      if (rollout) {
        const scores = reply.predictions.map((p) => p.probabilities.positive);
        this.stats.recordAnswer(rollout.rolloutId, track, performance.now() - started, scores);
      }
      return { track, reply };
    } catch (err) {
      if (rollout) this.stats.recordError(rollout.rolloutId, track, performance.now() - started);
      throw err;
    }
  }

  /**
   * One prediction with its hedge: the first attempt gets the whole timeout; if it has not
   * answered within the policy's delay (and the budget allows), a second attempt gets what is
   * left of it. The first answer wins; a refusal that is not retryable (a bad text) ends the
   * request at once; both failing gives the later error. Without a hedge, withRetry's rules.
   */
  private async hedged<T>(track: Track, call: (timeoutMs: number) => Promise<T>): Promise<T> {
    const policy = this.hedgePolicy(track);
    const timeoutMs = this.config.GATEWAY_PREDICT_TIMEOUT_MS;
    if (!policy.enabled) return this.withRetry(track, () => call(timeoutMs));
    policy.admit();
    const started = performance.now();
    const answered = (value: T) => {
      policy.observe(performance.now() - started);
      return value;
    };
    const first = call(timeoutMs);
    const slow = await outlasts(first, policy.delayMs());
    if (!slow || !policy.take()) {
      return first.then(answered, (err: unknown) => {
        if (!isRetryable(err)) throw err;
        this.logger.warn(`retrying once on track ${track}: ${errorMessage(err)}`);
        return call(timeoutMs).then(answered, (retryErr: unknown) => {
          throw noModelIfUnavailable(retryErr);
        });
      });
    }
    const left = Math.max(1, Math.round(timeoutMs - (performance.now() - started)));
    const second = call(left);
    try {
      const { value, attempt } = await firstAnswer(first, second);
      this.hedges.inc({ track, outcome: attempt === 0 ? 'first_won' : 'hedge_won' });
      return answered(value);
    } catch (err) {
      this.hedges.inc({ track, outcome: 'failed' });
      throw noModelIfUnavailable(err);
    }
  }

  private hedgePolicy(track: Track): HedgePolicy {
    let policy = this.hedging.get(track);
    if (!policy) {
      const timeoutMs = this.config.GATEWAY_PREDICT_TIMEOUT_MS;
      policy = new HedgePolicy({
        minDelayMs: Math.min(this.config.GATEWAY_PREDICT_HEDGE_MIN_MS, timeoutMs / 2),
        maxDelayMs: timeoutMs / 2,
        budget: this.config.GATEWAY_PREDICT_HEDGE_PERCENT / 100,
      });
      this.hedging.set(track, policy);
    }
    return policy;
  }

  private async withRetry<T>(track: Track, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      this.logger.warn(`retrying once on track ${track}: ${err.message}`);
      return call().catch((retryErr: unknown) => {
        throw noModelIfUnavailable(retryErr);
      });
    }
  }
}

function isRetryable(err: unknown): err is RemoteCallError {
  return err instanceof RemoteCallError && RETRYABLE.has(err.code);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Whether `attempt` is still pending after `ms`. It never rejects: the attempt's own outcome is
 * read by the caller, which also keeps its rejection from going unhandled.
 */
function outlasts(attempt: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(false);
    };
    attempt.then(settled, settled);
  });
}

/**
 * The first of two attempts to answer. A retryable failure of one waits for the other; any other
 * failure (the text was refused) is final, as the other attempt would be refused the same way.
 * Both failing rejects with the later error. The loser's outcome is dropped; `attempt` says
 * which answered (0: the first).
 */
function firstAnswer<T>(a: Promise<T>, b: Promise<T>): Promise<{ value: T; attempt: number }> {
  return new Promise((resolve, reject) => {
    let failures = 0;
    for (const [attempt, p] of [a, b].entries()) {
      p.then(
        (value) => resolve({ value, attempt }),
        (err: Error) => {
          failures += 1;
          if (failures === 2 || !isRetryable(err)) reject(err);
        },
      );
    }
  });
}

/**
 * The challenger track has no model to answer with: no replica serves it (no responders), or its
 * replicas unloaded it (UNAVAILABLE "no model loaded"). Both happen when a rollout ends while
 * this gateway has not heard of it yet.
 */
function challengerGone(err: unknown): err is ServiceException {
  return (
    err instanceof ServiceException &&
    (err.code === ErrorCode.Unavailable || /no model/i.test(err.message))
  );
}

/** "No responders" twice means no replica serves the track: say so in the client's terms. */
function noModelIfUnavailable(err: unknown): unknown {
  if (err instanceof RemoteCallError && err.code === ErrorCode.Unavailable)
    return new RemoteCallError(ErrorCode.Unavailable, `no model is serving: ${err.message}`);
  return err;
}
