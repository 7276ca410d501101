import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RolloutChanged, type RolloutChangedV1 } from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { TrainerControllerConfig } from '../trainer-controller.config.js';

const POST_TIMEOUT_MS = 5_000;
/** A notification, not a standing condition: Alertmanager resolves it after this long. */
const ALERT_LIFETIME_MS = 60 * 60 * 1000;

/** The alert Alertmanager's API v2 takes (`POST /api/v2/alerts`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/**
 * Tells people a rollout ended: promotion and rollback go to Alertmanager as alerts, which routes
 * them (Slack in monitoring/alertmanager/alertmanager.yml), groups and de-duplicates them. It reads
 * `rollout.changed.v1` with its own durable consumer, so a notification is acknowledged only
 * once Alertmanager took it, and one Alertmanager refused is sent again with back-off.
 */
@Injectable()
export class RolloutNotifier implements OnModuleInit {
  private readonly logger = new Logger(RolloutNotifier.name);

  constructor(
    private readonly consumers: EventConsumers,
    private readonly config: TrainerControllerConfig,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: RolloutChanged,
      durable: 'trainer-rollout-notify',
      maxDeliver: 50,
      handler: (e) => this.onChanged(e),
    });
  }

  async onChanged(e: RolloutChangedV1): Promise<void> {
    const alert = rolloutAlert(e);
    if (!alert) return;
    const url = this.config.ALERTMANAGER_URL;
    if (!url) {
      this.logger.log(`${alert.annotations.summary} (no ALERTMANAGER_URL: not notified)`);
      return;
    }
    const res = await fetch(new URL('/api/v2/alerts', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    if (!res.ok) {
      throw new Error(`Alertmanager answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
    this.logger.log(`notified: ${alert.annotations.summary}`);
  }
}

/** The alert for a rollout that ended; none for the changes along the way. */
export function rolloutAlert(e: RolloutChangedV1): PostableAlert | undefined {
  if (e.state !== 'promoted' && e.state !== 'rolled-back') return undefined;
  const promoted = e.state === 'promoted';
  const startsAt = new Date(e.occurredAt);
  return {
    labels: {
      alertname: promoted ? 'SentimentOpsRolloutPromoted' : 'SentimentOpsRolloutRolledBack',
      severity: promoted ? 'info' : 'warning',
      service: 'sentimentops',
      model: e.modelName,
      version: e.version,
      rollout_id: e.rolloutId,
    },
    annotations: {
      summary: promoted
        ? `${e.modelName} v${e.version} was promoted to champion`
        : `${e.modelName} v${e.version} was rolled back; v${e.championVersion ?? '?'} stays champion`,
      description: `${e.reason ?? 'no reason given'} (by ${e.actor}, rollout ${e.rolloutId})`,
    },
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + ALERT_LIFETIME_MS).toISOString(),
  };
}
