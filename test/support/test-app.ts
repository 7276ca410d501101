// Boots a real SentimentOps app in the test process the way main.ts does (the shared bootstrap:
// hybrid HTTP + NATS, inherited validation, health, metrics), with test-only controllers beside
// the platform's own, against the NATS and PostgreSQL that global-setup started.
import {
  type DynamicModule,
  type INestApplication,
  Module,
  type Provider,
  type Type,
} from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DatabaseServiceConfig, EnvPort, loadConfig } from '@sentimentops/config';
import { bootstrap, PlatformModule } from '@sentimentops/service-kit';
import { type MigrationInterface } from 'typeorm';
import { freePort } from './ports.js';

export class TestAppConfig extends DatabaseServiceConfig {
  // The platform's info subject needs a real app name; tests run one at a time (runInBand).
  readonly appName = 'registry';
  databaseSchema = 'it_test';
  get httpPort() {
    return this.TEST_HTTP_PORT;
  }

  @EnvPort()
  TEST_HTTP_PORT = 1;
}

export interface TestAppOptions {
  controllers?: Type<unknown>[];
  providers?: Provider[];
  migrations?: (new () => MigrationInterface)[];
  schema?: string;
  env?: Record<string, string>;
}

export interface TestApp {
  app: INestApplication;
  config: TestAppConfig;
  url: string;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const port = await freePort();
  const config = loadConfig(TestAppConfig, {
    NATS_URL: process.env.TEST_NATS_URL,
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    TEST_HTTP_PORT: String(port),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  });
  if (options.schema) config.databaseSchema = options.schema;

  @Module({})
  class TestAppModule {
    static forRoot(): DynamicModule {
      return {
        module: TestAppModule,
        imports: [
          PlatformModule.forApp(
            config,
            options.migrations ? { database: { migrations: options.migrations } } : {},
          ),
        ],
        controllers: options.controllers ?? [],
        providers: options.providers ?? [],
      };
    }
  }

  const app = await bootstrap(TestAppModule.forRoot(), config);
  return { app, config, url: `http://127.0.0.1:${port}` };
}

/** Polls until `fn` returns true or the time is up; returns how long it took. */
export async function eventually(
  fn: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  stepMs = 50,
) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await fn()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/**
 * Empties JetStream streams on the NATS that all suites share. An app's new durable consumers
 * read their streams from the start, as in a new deployment; a suite whose apps consume events
 * purges those streams first, so that it sees the events it publishes and not those that suites
 * before it in the same Jest process left there. A stream not created yet has nothing to purge.
 */
export async function purgeStreams(...names: string[]): Promise<void> {
  const nc = await connect({ servers: process.env.TEST_NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of names) await jsm.streams.purge(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
