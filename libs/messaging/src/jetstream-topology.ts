import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { ErrorCode, ServiceException, STREAMS } from '@sentimentops/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { NatsConnection } from './nats-connection.js';
import { ensureStreams } from './streams.setup.js';

/** Declares the platform's streams after every (re)connect; publishers and consumers wait for it. */
@Injectable()
export class JetStreamTopology implements OnModuleInit {
  private readonly logger = new Logger(JetStreamTopology.name);
  private resolve!: () => void;
  private readonly declared = new Promise<void>((r) => (this.resolve = r));
  private isDeclared = false;

  constructor(private readonly nats: NatsConnection) {}

  onModuleInit() {
    this.nats.onConnected(async (nc) => {
      await ensureStreams(await jetstreamManager(nc), STREAMS);
      this.logger.log(`streams ready: ${STREAMS.map((s) => s.name).join(', ')}`);
      this.isDeclared = true;
      this.resolve();
    });
  }

  /** Whether the streams have been declared since the app started (readiness). */
  declaredOnce(): boolean {
    return this.isDeclared;
  }

  /** Waits for the streams, at most `timeoutMs`: a publisher must not hang while NATS is away. */
  async ready(timeoutMs?: number): Promise<void> {
    if (timeoutMs === undefined) return this.declared;
    const timedOut = sleep(timeoutMs, 'timeout' as const, { ref: false });
    if ((await Promise.race([this.declared, timedOut])) === 'timeout') {
      throw new ServiceException(
        ErrorCode.Unavailable,
        `JetStream not ready within ${timeoutMs} ms`,
      );
    }
  }
}
