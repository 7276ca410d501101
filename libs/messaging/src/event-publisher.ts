import { Injectable } from '@nestjs/common';
import { ServiceConfig } from '@sentimentops/config';
import { jetstream, type PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import {
  type EventContract,
  type EventSubject,
  Headers,
  validateMessage,
} from '@sentimentops/contracts';
import { RequestContext } from '@sentimentops/observability';
import { JetStreamTopology } from './jetstream-topology.js';
import { NatsConnection } from './nats-connection.js';

export interface PublishOptions {
  /** Idempotency key: JetStream drops a second publish with the same id within the window. */
  messageId: string;
}

/** Publishes durable events to JetStream, validated against their contract before they leave. */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly config: ServiceConfig,
    private readonly nats: NatsConnection,
    private readonly topology: JetStreamTopology,
  ) {}

  async publish<T extends object>(
    contract: EventContract<T>,
    payload: T,
    options: PublishOptions,
  ): Promise<PubAck> {
    const checked = validateMessage(contract.payload, payload);
    return this.publishChecked(contract.subject, checked, {
      ...options,
      requestId: RequestContext.requestId(),
    });
  }

  /**
   * Publishes a payload that was validated against its contract when it was stored (an outbox
   * row), with the request id it was stored under.
   */
  async publishChecked(
    subject: EventSubject,
    payload: object,
    options: PublishOptions & { requestId?: string },
  ): Promise<PubAck> {
    const h = natsHeaders();
    if (options.requestId) h.set(Headers.requestId, options.requestId);
    await this.topology.ready(this.config.NATS_REQUEST_TIMEOUT_MS);
    const js = jetstream(await this.nats.connection());
    return js.publish(subject, JSON.stringify(payload), {
      msgID: options.messageId,
      headers: h,
    });
  }
}
