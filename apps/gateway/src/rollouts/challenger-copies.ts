import { Injectable, Logger } from '@nestjs/common';
import { predictContract, type PredictReply } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config.js';
import { RolloutMetric } from './rollout.metrics.js';
import { type RolloutRoute } from './rollout.router.js';
import { RolloutStatsAccumulator } from './rollout-stats.accumulator.js';

/** Copies in flight at once; beyond it a copy is dropped (and counted), never queued. */
export const MAX_COPIES_IN_FLIGHT = 32;

/**
 * Copies of client batches for the challenger (shadow mode, or the mirrored share in canary mode):
 * sent after the champion answered the client, so a copy never competes with the client's batch
 * for the inference replicas' batching and never delays or fails its reply. Each copy is measured
 * as challenger traffic of its rollout, and its labels are compared text by text with the
 * champion's answer. A copy is sent once: a failure is a measurement, not something to retry.
 */
@Injectable()
export class ChallengerCopies {
  private readonly logger = new Logger(ChallengerCopies.name);
  private inFlight = 0;

  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
    private readonly stats: RolloutStatsAccumulator,
    @InjectMetric(RolloutMetric.copies) private readonly copies: Counter<string>,
  ) {}

  /** Sends a copy of the batch the champion answered with `champion`; returns at once. */
  send(rollout: RolloutRoute, texts: string[], champion: PredictReply): void {
    if (this.inFlight >= MAX_COPIES_IN_FLIGHT) {
      this.copies.inc({ model: rollout.modelName, outcome: 'dropped' });
      return;
    }
    this.inFlight++;
    this.copies.inc({ model: rollout.modelName, outcome: 'sent' });
    const started = performance.now();
    this.requester
      .request(predictContract('challenger'), { texts }, this.config.GATEWAY_PREDICT_TIMEOUT_MS)
      .then(
        (reply) => {
          const latencyMs = performance.now() - started;
          const scores = reply.predictions.map((p) => p.probabilities.positive);
          this.stats.recordAnswer(rollout.rolloutId, 'challenger', latencyMs, scores);
          const { compared, agreed } = compareLabels(champion, reply);
          if (compared > 0) this.stats.recordComparison(rollout.rolloutId, compared, agreed);
        },
        (err: unknown) => {
          this.stats.recordError(rollout.rolloutId, 'challenger', performance.now() - started);
          this.logger.debug?.(`copy for rollout ${rollout.rolloutId} failed: ${String(err)}`);
        },
      )
      .finally(() => this.inFlight--);
  }

  /** Copies not yet answered. */
  pending(): number {
    return this.inFlight;
  }

  /** Waits until every copy has been answered or failed, at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(10);
  }
}

/** Texts both tracks scored, and those given the same label (a reply of another length: none). */
export function compareLabels(
  champion: PredictReply,
  challenger: PredictReply,
): { compared: number; agreed: number } {
  if (champion.predictions.length !== challenger.predictions.length)
    return { compared: 0, agreed: 0 };
  const agreed = champion.predictions.filter(
    (p, i) => p.label === challenger.predictions[i].label,
  ).length;
  return { compared: champion.predictions.length, agreed };
}
