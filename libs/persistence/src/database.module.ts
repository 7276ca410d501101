import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseServiceConfig, ServiceConfig } from '@sentimentops/config';
import { Client } from 'pg';
import type { MigrationInterface } from 'typeorm';
import { DatabaseHealthIndicator } from './database.health.js';
import { ProcessedEvents } from './processed-events.repository.js';

export interface DatabaseOptions {
  /** The app's migrations, oldest first. Migrations run at boot; the schema is never synchronised. */
  migrations: (new () => MigrationInterface)[];
  entities?: Function[];
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
            await createSchema(db.DATABASE_URL, db.databaseSchema);
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
              retryAttempts: 30,
              retryDelay: 2_000,
            };
          },
        }),
      ],
      providers: [DatabaseHealthIndicator, ProcessedEvents],
      exports: [DatabaseHealthIndicator, ProcessedEvents],
    };
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
