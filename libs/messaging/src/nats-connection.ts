import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ServiceConfig } from '@sentimentops/config';
import {
  connect,
  type ConnectionOptions,
  type NatsConnection as Nc,
} from '@nats-io/transport-node';
import { untilConnected } from './first-connect.js';

/**
 * Connection settings every NATS connection of the platform uses (ours and Nest's transport):
 * once connected, reconnect forever, about once a second, so an app becomes ready again within a
 * couple of seconds of NATS coming back. First connects are retried by `untilConnected`.
 */
export function resilientNatsOptions(config: ServiceConfig, role: string): ConnectionOptions {
  return {
    servers: config.natsServers(),
    name: `${config.appName}:${role}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    reconnectJitter: 200,
    timeout: 2_000,
    pingInterval: 10_000,
  };
}

/**
 * The app's own NATS connection, used for JetStream and plain publishes. Connecting happens in the
 * background so the app starts (and reports not-ready) while NATS is down.
 */
@Injectable()
export class NatsConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnection.name);
  private readonly onConnect: ((nc: Nc) => Promise<void> | void)[] = [];
  private nc?: Nc;
  private connecting?: Promise<Nc>;
  private up = false;
  private closed = false;

  constructor(private readonly config: ServiceConfig) {}

  onApplicationBootstrap() {
    void this.connection().catch((err: unknown) => this.logger.error(err));
  }

  /** Resolves once connected (never, if the app shuts down first); every caller gets the same connection. */
  connection(): Promise<Nc> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  isConnected(): boolean {
    return this.up && this.nc !== undefined && !this.nc.isClosed();
  }

  /** Runs `fn` now if connected and after every (re)connect: for set-up that must survive restarts of NATS. */
  onConnected(fn: (nc: Nc) => Promise<void> | void) {
    this.onConnect.push(fn);
    if (this.isConnected()) this.run(fn);
  }

  async onApplicationShutdown() {
    this.closed = true;
    this.onConnect.length = 0;
    const nc = this.nc;
    this.nc = undefined;
    this.up = false;
    // drain(): let published messages flush and subscriptions finish what they hold.
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }

  private async open(): Promise<Nc> {
    this.logger.log(`connecting to ${this.config.NATS_URL}`);
    const nc = await untilConnected(() => connect(resilientNatsOptions(this.config, 'events')), {
      stopped: () => this.closed,
      onRetry: (err, ms) =>
        this.logger.warn(`NATS not reachable (${String(err)}); retrying in ${ms} ms`),
    });
    if (!nc || this.closed) {
      await nc?.close();
      return new Promise<Nc>(() => undefined); // shut down before connecting: nobody gets one
    }
    this.nc = nc;
    this.setUp(true);
    void this.watch(nc);
    return nc;
  }

  private async watch(nc: Nc) {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') this.setUp(false);
      if (status.type === 'reconnect') this.setUp(true);
    }
    this.up = false;
  }

  private setUp(up: boolean) {
    this.up = up;
    this.logger.log(up ? 'NATS connected' : 'NATS disconnected; reconnecting');
    if (up) for (const fn of this.onConnect) this.run(fn);
  }

  private run(fn: (nc: Nc) => Promise<void> | void) {
    Promise.resolve()
      .then(() => fn(this.nc!))
      .catch((e: unknown) => this.logger.error(e));
  }
}
