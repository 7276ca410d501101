import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection, Subscription, SubscriptionOptions } from '@nats-io/transport-node';

/**
 * Nest's NATS transport, plus a way to stop taking requests without closing the connection, so
 * replies to requests already in progress still go out during a graceful shutdown. Nest keeps its
 * subscriptions private, so this records them as they are made.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly accepting: Subscription[] = [];

  override bindEvents(client: NatsConnection) {
    const recording = Object.create(client) as NatsConnection;
    recording.subscribe = (subject: string, opts?: SubscriptionOptions) => {
      const sub = client.subscribe(subject, opts);
      this.accepting.push(sub);
      return sub;
    };
    super.bindEvents(recording);
  }

  async stopAccepting() {
    for (const sub of this.accepting.splice(0)) sub.unsubscribe();
    await this.unwrapOrUndefined()
      ?.flush()
      .catch(() => undefined);
  }

  private unwrapOrUndefined(): NatsConnection | undefined {
    try {
      return this.unwrap<NatsConnection>();
    } catch {
      return undefined;
    }
  }
}
