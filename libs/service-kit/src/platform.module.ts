import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule, type ServiceConfig } from '@sentimentops/config';
import { type AppName } from '@sentimentops/contracts';
import { MessagingModule } from '@sentimentops/messaging';
import { ObservabilityModule } from '@sentimentops/observability';
import { DatabaseModule, type DatabaseOptions } from '@sentimentops/persistence';
import { appInfoController } from './app-info.controller.js';
import { AppInfoService } from './app-info.service.js';
import { HealthController } from './health.controller.js';
import { InFlightInterceptor } from './in-flight.interceptor.js';
import { ReadinessChecks } from './readiness.js';
import { ReadinessRegistration } from './readiness.registration.js';
import { ShutdownCoordinator } from './shutdown.coordinator.js';

export interface PlatformOptions {
  /** For the apps that own a PostgreSQL schema: their migrations (and entities). */
  database?: DatabaseOptions;
}

/**
 * What every SentimentOps app has: its validated config, JSON logs and metrics, NATS (requests and
 * JetStream), health probes, an `info` reply, graceful shutdown, and a database when it owns one.
 */
@Module({})
export class PlatformModule {
  static forApp(config: ServiceConfig, options: PlatformOptions = {}): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forApp(config.appName),
        MessagingModule,
        // Failed probes answer 503 with the checks; logging each poll would flood the log.
        TerminusModule.forRoot({ logger: false }),
        ...(options.database ? [DatabaseModule.forApp(options.database)] : []),
      ],
      controllers: [HealthController, appInfoController(config.appName as AppName)],
      providers: [
        ReadinessChecks,
        AppInfoService,
        ShutdownCoordinator,
        ReadinessRegistration,
        { provide: APP_INTERCEPTOR, useClass: InFlightInterceptor },
      ],
      exports: [ReadinessChecks, AppInfoService, ShutdownCoordinator],
    };
  }
}
