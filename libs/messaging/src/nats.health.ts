import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { JetStreamTopology } from './jetstream-topology.js';
import { NatsConnection } from './nats-connection.js';
import { RpcServerStatus } from './rpc-server-status.js';

/**
 * Ready only when the event connection and the request/reply server are connected and the
 * JetStream streams have been declared.
 */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly nats: NatsConnection,
    private readonly rpc: RpcServerStatus,
    private readonly topology: JetStreamTopology,
  ) {}

  check(key = 'nats') {
    const indicator = this.health.check(key);
    const events = this.nats.isConnected();
    const rpc = this.rpc.isConnected();
    const streams = this.topology.declaredOnce();
    return events && rpc && streams ? indicator.up() : indicator.down({ events, rpc, streams });
  }
}
