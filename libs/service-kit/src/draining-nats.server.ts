import { Logger } from '@nestjs/common';
import { ServerNats } from '@nestjs/microservices';
import { untilConnected } from '@sentimentops/messaging';
import type { NatsConnection, Subscription, SubscriptionOptions } from '@nats-io/transport-node';

/**
 * Nest's NATS transport, plus a way to stop taking requests without closing the connection, so
 * replies to requests already in progress still go out during a graceful shutdown. Nest keeps its
 * subscriptions private, so this records them as they are made.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly logger_ = new Logger(DrainingNatsServer.name);
  private readonly accepting: Subscription[] = [];
  private closed = false;

  /** Nest's listen connects once and gives up; this keeps trying until connected or closed. */
  override async listen(callback: (err?: unknown) => void) {
    let connected = false;
    await untilConnected(
      async () => {
        await new Promise<void>(
          (resolve, reject) =>
            void super.listen((err?: unknown) => (err ? reject(asError(err)) : resolve())),
        );
        connected = true;
      },
      {
        stopped: () => this.closed,
        onRetry: (err, ms) =>
          this.logger_.warn(`NATS not reachable (${String(err)}); retrying in ${ms} ms`),
      },
    );
    if (!connected) return; // closed before NATS came back
    if (this.closed) return void (await super.close()); // closed while connecting
    callback();
  }

  override async close() {
    this.closed = true;
    await super.close();
  }

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

const asError = (e: unknown) => (e instanceof Error ? e : new Error(JSON.stringify(e)));
