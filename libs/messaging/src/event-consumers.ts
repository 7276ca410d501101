import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection as Nc } from '@nats-io/transport-node';
import {
  ContractViolationError,
  type EventContract,
  Headers,
  streamFor,
  validateMessage,
} from '@sentimentops/contracts';
import { Metrics, RequestContext } from '@sentimentops/observability';
import { ServiceConfig } from '@sentimentops/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Histogram } from 'prom-client';
import { JetStreamTopology } from './jetstream-topology.js';
import { NatsConnection } from './nats-connection.js';

export interface EventMeta {
  /** The publisher's idempotency key (Nats-Msg-Id), or `<stream>:<seq>` when it set none. */
  messageId: string;
  deliveryCount: number;
  streamSequence: number;
}

export type EventHandler<T> = (payload: T, meta: EventMeta) => Promise<void>;

export interface ConsumerOptions<T extends object> {
  contract: EventContract<T>;
  /** Durable consumer name: the server remembers what this consumer has acknowledged. */
  durable: string;
  /**
   * `shared` (default): the app's replicas share the consumer, each event is handled once.
   * `instance`: every process gets each event from the time it started (e.g. an inference replica
   * swapping its model); its consumer is removed by the server once the process is gone.
   */
  scope?: 'shared' | 'instance';
  /** Must resolve only once the event's effect is stored: the ack follows it. */
  handler: EventHandler<T>;
  maxDeliver?: number;
  ackWaitMs?: number;
}

/** An instance's consumer outlives a silent process by this long, then the server deletes it. */
const INSTANCE_CONSUMER_TTL_MS = 5 * 60_000;

/** A consumer-name-safe form of this process's identity. */
function instanceToken(config: ServiceConfig): string {
  const id = config.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
}

interface Running {
  options: ConsumerOptions<object>;
  messages?: ConsumerMessages;
}

/**
 * Durable JetStream consumers with explicit acks: a message is acknowledged only after its handler
 * resolved, negatively acknowledged with back-off when it threw, and terminated when it does not
 * match its contract (it would never pass, so redelivering it only blocks the consumer).
 */
@Injectable()
export class EventConsumers implements BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumers.name);
  private readonly consumers: Running[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly config: ServiceConfig,
    private readonly nats: NatsConnection,
    private readonly topology: JetStreamTopology,
    @InjectMetric(Metrics.eventHandlerDuration) private readonly duration: Histogram<string>,
  ) {}

  /** Call from onModuleInit; consuming starts once NATS is connected and the streams exist. */
  register<T extends object>(options: ConsumerOptions<T>) {
    const running: Running = { options: options as unknown as ConsumerOptions<object> };
    this.consumers.push(running);
    let started = false;
    this.nats.onConnected(async (nc) => {
      // consume() follows reconnects by itself; only the first connect starts the loop.
      if (started) return;
      started = true;
      await this.topology.ready();
      await this.start(nc, running);
    });
  }

  async beforeApplicationShutdown() {
    this.stopping = true;
    for (const c of this.consumers) c.messages?.stop();
    // An unfinished handler's message is not acked, so JetStream redelivers it: nothing is lost
    // by giving up after the shutdown timeout.
    const timeout = sleep(this.config.SHUTDOWN_TIMEOUT_MS, undefined, { ref: false }).then(
      () => 'timeout' as const,
    );
    if ((await Promise.race([Promise.allSettled([...this.inFlight]), timeout])) === 'timeout') {
      this.logger.warn(
        `stopped with ${this.inFlight.size} event handler(s) unfinished; they will be redelivered`,
      );
    }
  }

  private async start(nc: Nc, running: Running) {
    const { contract, maxDeliver = 10, ackWaitMs = 30_000, scope = 'shared' } = running.options;
    const stream = streamFor(contract.subject).name;
    const perInstance = scope === 'instance';
    const durable = perInstance
      ? `${running.options.durable}_${instanceToken(this.config)}`
      : running.options.durable;
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, {
      durable_name: durable,
      filter_subject: contract.subject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: perInstance ? DeliverPolicy.New : DeliverPolicy.All,
      max_deliver: maxDeliver,
      ack_wait: nanos(ackWaitMs),
      ...(perInstance ? { inactive_threshold: nanos(INSTANCE_CONSUMER_TTL_MS) } : {}),
    });
    const consumer = await jetstream(nc).consumers.get(stream, durable);
    running.messages = await consumer.consume({ max_messages: 64 });
    this.logger.log(`consuming ${contract.subject} as ${durable}`);
    void this.loop(running);
  }

  private async loop(running: Running) {
    for await (const msg of running.messages!) {
      if (this.stopping) {
        msg.nak();
        continue;
      }
      const work = this.handle(running.options, msg);
      this.inFlight.add(work);
      await work.finally(() => this.inFlight.delete(work));
    }
  }

  private async handle(options: ConsumerOptions<object>, msg: JsMsg) {
    const stop = this.duration.startTimer({ subject: msg.subject, consumer: options.durable });
    const meta: EventMeta = {
      messageId: msg.headers?.get(Headers.messageId) || `${msg.info.stream}:${msg.seq}`,
      deliveryCount: msg.info.deliveryCount,
      streamSequence: msg.seq,
    };
    await RequestContext.run(msg.headers?.get(Headers.requestId), async () => {
      let payload: object;
      try {
        payload = validateMessage(options.contract.payload, msg.json());
      } catch (err) {
        const reason = err instanceof ContractViolationError ? err.message : 'payload is not JSON';
        this.logger.error(
          `terminating ${msg.subject} #${msg.seq} for ${options.durable}: ${reason}`,
        );
        msg.term(reason.slice(0, 200));
        stop({ outcome: 'term' });
        return;
      }
      try {
        await options.handler(payload, meta);
        // A plain ack, not ackAck(): every handler is idempotent (a row keyed by the event id, or
        // a revision check), so an ack lost on the way costs a redelivery that changes nothing.
        // ackAck() is a request/reply per event, and under a steady stream it made the consumer's
        // resident memory grow (scripts/reliability/consume-memory.mjs; docs/reliability.md).
        msg.ack();
        stop({ outcome: 'ack' });
      } catch (err) {
        const delayMs = Math.min(30_000, 500 * 2 ** (meta.deliveryCount - 1));
        this.logger.error(
          `handler ${options.durable} failed on ${msg.subject} #${msg.seq} (delivery ${meta.deliveryCount}); retrying in ${delayMs} ms`,
          err instanceof Error ? err.stack : String(err),
        );
        msg.nak(delayMs);
        stop({ outcome: 'nak' });
      }
    });
  }
}
