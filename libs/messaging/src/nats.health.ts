import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { NatsConnection } from './nats-connection.js';
import { RpcServerStatus } from './rpc-server-status.js';

/** Ready only when both the event connection and the request/reply server are connected. */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly nats: NatsConnection,
    private readonly rpc: RpcServerStatus,
  ) {}

  check(key = 'nats') {
    const indicator = this.health.check(key);
    const events = this.nats.isConnected();
    const rpc = this.rpc.isConnected();
    return events && rpc ? indicator.up() : indicator.down({ events, rpc });
  }
}
