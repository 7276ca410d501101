import { IsIn, IsIP, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { EnvInt } from './env.decorators.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The settings every SentimentOps process shares. Each app extends it with its own keys.
 * Property names are environment variable names; initialisers are the defaults.
 */
export abstract class ServiceConfig {
  /** The app's name as it appears in logs, metrics and `info` replies. */
  abstract readonly appName: string;
  /** The HTTP port of this app (health, metrics, its API). */
  abstract get httpPort(): number;

  /** Interface the HTTP server binds to: loopback locally, all interfaces in a container. */
  @IsIP()
  HTTP_HOST = '127.0.0.1';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, {
    message: 'must be one or more comma-separated nats:// or tls:// URLs',
  })
  NATS_URL = 'nats://127.0.0.1:4222';

  /** How long a request over NATS may take before the caller gives up. */
  @EnvInt(50, 120_000)
  NATS_REQUEST_TIMEOUT_MS = 5_000;

  /** How long SIGTERM waits for in-flight work before closing connections anyway. */
  @EnvInt(0, 600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Git commit of the running code; the build records it, this overrides it (images set it). */
  @IsOptional()
  @Matches(/^([0-9a-f]{7,40}|unknown)$/, { message: 'must be a git commit sha' })
  GIT_COMMIT?: string;

  /** Distinguishes replicas of one app in logs and `info`; defaults to host name and pid. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  INSTANCE_ID?: string;

  natsServers(): string[] {
    return this.NATS_URL.split(',');
  }
}

/** An app that owns a PostgreSQL schema (registry, drift, trainer-controller). */
export abstract class DatabaseServiceConfig extends ServiceConfig {
  /** The PostgreSQL schema this app owns; nobody else reads its tables. */
  abstract readonly databaseSchema: string;

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://sentimentops:sentimentops@127.0.0.1:54320/sentimentops';

  @EnvInt(1, 100)
  DATABASE_POOL_SIZE = 10;
}
