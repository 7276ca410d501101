import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { STREAMS } from '@sentimentops/contracts';
import { NatsConnection } from './nats-connection.js';
import { ensureStreams } from './streams.setup.js';

/** Declares the platform's streams after every (re)connect; publishers and consumers wait for it. */
@Injectable()
export class JetStreamTopology implements OnModuleInit {
  private readonly logger = new Logger(JetStreamTopology.name);
  private resolve!: () => void;
  private readonly declared = new Promise<void>((r) => (this.resolve = r));

  constructor(private readonly nats: NatsConnection) {}

  onModuleInit() {
    this.nats.onConnected(async (nc) => {
      await ensureStreams(await jetstreamManager(nc), STREAMS);
      this.logger.log(`streams ready: ${STREAMS.map((s) => s.name).join(', ')}`);
      this.resolve();
    });
  }

  ready(): Promise<void> {
    return this.declared;
  }
}
