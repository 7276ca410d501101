import { Injectable } from '@nestjs/common';
import {
  ContractViolationError,
  ErrorCode,
  FeedbackReceived,
  type FeedbackReceivedV1,
  ServiceException,
} from '@sentimentops/contracts';
import { EventPublisher, NatsConnection } from '@sentimentops/messaging';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { type FeedbackAcceptedDto, type FeedbackBody } from './feedback.dto.js';
import { FEEDBACK_METRIC } from './feedback.metrics.js';

/**
 * Turns a feedback into `feedback.received.v1` on JetStream. The caller hears 202 only after the
 * stream acknowledged the event, so nothing acknowledged is lost; any failure to publish is a 503,
 * and the client may send the feedback again.
 *
 * Each call gets a new feedbackId (the idempotency key), so JetStream drops only this call's own
 * duplicates; a client that retries after a lost 202 records the same feedback twice, and a
 * consumer that must count a prediction once keys on predictionId.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly nats: NatsConnection,
    @InjectMetric(FEEDBACK_METRIC) private readonly accepted: Counter<string>,
  ) {}

  async record(body: FeedbackBody): Promise<FeedbackAcceptedDto> {
    // A publish made while disconnected would wait in the client's buffer and might still land
    // after we answered 503; refuse at once instead.
    if (!this.nats.isConnected()) {
      throw new ServiceException(
        ErrorCode.Unavailable,
        'feedback not recorded: message bus unavailable',
      );
    }
    const event: FeedbackReceivedV1 = {
      feedbackId: randomUUID(),
      ...(body.predictionId !== undefined
        ? { predictionId: body.predictionId }
        : { text: body.text }),
      label: body.label,
      source: 'api',
      occurredAt: new Date().toISOString(),
    };
    try {
      await this.publisher.publish(FeedbackReceived, event, { messageId: event.feedbackId });
    } catch (err) {
      throw unavailable(err);
    }
    this.accepted.inc({
      kind: event.predictionId !== undefined ? 'prediction' : 'text',
      label: event.label,
    });
    return { feedbackId: event.feedbackId };
  }
}

/** JetStream's own failures (timeout, no stream, connection closed) as a 503 the client can retry. */
function unavailable(err: unknown): unknown {
  // Ours (already coded) and a payload that fails its contract (a bug here: a 500 with an id).
  if (err instanceof ServiceException || err instanceof ContractViolationError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new ServiceException(ErrorCode.Unavailable, `feedback not recorded: ${reason}`);
}
