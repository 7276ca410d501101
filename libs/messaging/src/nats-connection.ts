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
import { EventEmitter } from 'node:events';

/**
 * Reconnect settings every NATS connection of the platform uses (ours and Nest's transport):
 * keep trying forever, including the first connect, about once a second, so an app that started
 * before NATS becomes ready within a couple of seconds of NATS coming back.
 */
export function resilientNatsOptions(config: ServiceConfig, role: string): ConnectionOptions {
  return {
    servers: config.natsServers(),
    name: `${config.appName}:${role}`,
    waitOnFirstConnect: true,
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
  private readonly events = new EventEmitter();
  private nc?: Nc;
  private connecting?: Promise<Nc>;
  private up = false;

  constructor(private readonly config: ServiceConfig) {}

  onApplicationBootstrap() {
    void this.connection().catch((err: unknown) => this.logger.error(err));
  }

  /** Resolves once connected; every later caller gets the same connection. */
  connection(): Promise<Nc> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  isConnected(): boolean {
    return this.up && this.nc !== undefined && !this.nc.isClosed();
  }

  /** Runs `fn` now if connected and after every (re)connect: for set-up that must survive restarts of NATS. */
  onConnected(fn: (nc: Nc) => Promise<void> | void) {
    this.events.on('connected', fn);
    if (this.isConnected())
      void Promise.resolve(fn(this.nc!)).catch((e: unknown) => this.logger.error(e));
  }

  async onApplicationShutdown() {
    this.events.removeAllListeners();
    const nc = this.nc;
    this.nc = undefined;
    this.up = false;
    // drain(): let published messages flush and subscriptions finish what they hold.
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  }

  private async open(): Promise<Nc> {
    this.logger.log(`connecting to ${this.config.NATS_URL}`);
    const nc = await connect(resilientNatsOptions(this.config, 'events'));
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
    if (up) {
      for (const fn of this.events.listeners('connected') as ((nc: Nc) => Promise<void> | void)[]) {
        void Promise.resolve(fn(this.nc!)).catch((e: unknown) => this.logger.error(e));
      }
    }
  }
}
