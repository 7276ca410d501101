import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseServiceConfig, ServiceConfig } from '@sentimentops/config';
import { Client } from 'pg';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import { DatabaseHealthIndicator } from './database.health.js';
import { ProcessedEvents } from './processed-events.repository.js';

export interface DatabaseOptions {
  /** The app's migrations, oldest first. Migrations run at boot; the schema is never synchronised. */
  migrations: (new () => MigrationInterface)[];
  entities?: DataSourceOptions['entities'];
}

/**
 * PostgreSQL for an app that owns a schema: creates the schema if missing, runs the app's own
 * migrations (their bookkeeping table lives in the same schema), and exposes health + idempotency.
 */
@Module({})
export class DatabaseModule {
  static forApp(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TerminusModule,
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: async (config: ServiceConfig) => {
            const db = asDatabaseConfig(config);
            await retry(
              () => createSchema(db.DATABASE_URL, db.databaseSchema),
              RETRY_ATTEMPTS,
              RETRY_DELAY_MS,
            );
            return {
              type: 'postgres' as const,
              url: db.DATABASE_URL,
              schema: db.databaseSchema,
              entities: options.entities ?? [],
              migrations: options.migrations,
              migrationsTableName: 'migrations',
              migrationsRun: true,
              migrationsTransactionMode: 'each' as const,
              synchronize: false,
              // Unqualified names in hand-written SQL resolve to the app's own schema.
              extra: {
                max: db.DATABASE_POOL_SIZE,
                application_name: db.appName,
                options: `-c search_path="${db.databaseSchema}"`,
              },
              retryAttempts: RETRY_ATTEMPTS,
              retryDelay: RETRY_DELAY_MS,
            };
          },
        }),
      ],
      providers: [DatabaseHealthIndicator, ProcessedEvents],
      exports: [DatabaseHealthIndicator, ProcessedEvents],
    };
  }
}

// A database that is still starting (or restarting) is waited for, about a minute, not crashed on.
const RETRY_ATTEMPTS = 30;
const RETRY_DELAY_MS = 2_000;
const logger = new Logger('DatabaseModule');

async function retry(fn: () => Promise<void>, attempts: number, delayMs: number) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts) throw err;
      logger.warn(`database not reachable (${String(err)}); retrying (${attempt}/${attempts})`);
      await sleep(delayMs);
    }
  }
}

function asDatabaseConfig(config: ServiceConfig): DatabaseServiceConfig {
  if (!(config instanceof DatabaseServiceConfig)) {
    throw new Error(
      `${config.appName} uses DatabaseModule but its config is not a DatabaseServiceConfig`,
    );
  }
  return config;
}

/** TypeORM keeps its migrations table inside the schema, so the schema must exist first. */
async function createSchema(url: string, schema: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}
