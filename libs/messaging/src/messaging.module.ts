import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventConsumers } from './event-consumers.js';
import { EventPublisher } from './event-publisher.js';
import { JetStreamTopology } from './jetstream-topology.js';
import { NatsConnection } from './nats-connection.js';
import { NatsHealthIndicator } from './nats.health.js';
import { NatsRequester } from './nats-requester.js';
import { RpcServerStatus } from './rpc-server-status.js';

/** NATS for one app: its event connection, JetStream publisher and consumers, a requester, health. */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    NatsConnection,
    JetStreamTopology,
    EventPublisher,
    EventConsumers,
    NatsRequester,
    RpcServerStatus,
    NatsHealthIndicator,
  ],
  exports: [
    NatsConnection,
    EventPublisher,
    EventConsumers,
    NatsRequester,
    RpcServerStatus,
    NatsHealthIndicator,
  ],
})
export class MessagingModule {}
