import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { NatsHealthIndicator } from '@sentimentops/messaging';
import { DatabaseHealthIndicator } from '@sentimentops/persistence';
import { ReadinessChecks } from './readiness.js';
import { ShutdownCoordinator } from './shutdown.coordinator.js';

/** The checks every app has; the database check only where the app owns a database. */
@Injectable()
export class ReadinessRegistration implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessChecks,
    private readonly shutdown: ShutdownCoordinator,
    private readonly nats: NatsHealthIndicator,
    @Optional() private readonly database?: DatabaseHealthIndicator,
  ) {}

  onModuleInit() {
    this.readiness.register('accepting', () => this.shutdown.check());
    this.readiness.register('nats', () => this.nats.check());
    const database = this.database;
    if (database) this.readiness.register('database', () => database.check());
  }
}
