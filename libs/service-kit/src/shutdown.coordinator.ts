import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ServiceConfig } from '@sentimentops/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { DrainingNatsServer } from './draining-nats.server.js';

/**
 * SIGTERM: report not-ready, stop taking NATS requests, wait for the ones in progress (bounded by
 * SHUTDOWN_TIMEOUT_MS), then let Nest close the HTTP server (which waits for its open requests)
 * and, last, the connections (closed in onApplicationShutdown, after the work that needs them).
 */
@Injectable()
export class ShutdownCoordinator implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownCoordinator.name);
  private draining = false;
  private inFlight = 0;
  private server?: DrainingNatsServer;

  constructor(
    private readonly config: ServiceConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  attach(server: DrainingNatsServer) {
    this.server = server;
  }

  /** Wraps one unit of request work so shutdown can wait for it. */
  track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight++;
    return work().finally(() => this.inFlight--);
  }

  check(key = 'accepting') {
    const indicator = this.health.check(key);
    return this.draining ? indicator.down({ reason: 'shutting down' }) : indicator.up();
  }

  async beforeApplicationShutdown(signal?: string) {
    this.draining = true;
    this.logger.log(
      `shutting down (${signal ?? 'close'}); draining ${this.inFlight} in-flight request(s)`,
    );
    await this.server?.stopAccepting();
    const deadline = Date.now() + this.config.SHUTDOWN_TIMEOUT_MS;
    while (this.inFlight > 0 && Date.now() < deadline) await sleep(20);
    if (this.inFlight > 0)
      this.logger.warn(`giving up on ${this.inFlight} request(s) after the shutdown timeout`);
  }
}
