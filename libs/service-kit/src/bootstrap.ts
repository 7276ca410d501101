import { type INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions } from '@nestjs/microservices';
import { ConfigValidationError, loadConfig, type ServiceConfig } from '@sentimentops/config';
import { resilientNatsOptions, RpcServerStatus } from '@sentimentops/messaging';
import { JsonLogger } from '@sentimentops/observability';
import { DrainingNatsServer } from './draining-nats.server.js';
import { ExceptionsFilter } from './exceptions.filter.js';
import { ShutdownCoordinator } from './shutdown.coordinator.js';

/** Validation for HTTP bodies and NATS payloads alike: the microservice inherits it below. */
export const strictValidation = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
  });

/**
 * Reads the config or exits: a bad environment is reported once, every bad key listed, and the
 * process ends with status 78 (EX_CONFIG) before anything starts.
 */
export function configOrExit<T extends ServiceConfig>(schema: new () => T): T {
  try {
    return loadConfig(schema);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(78);
  }
}

export interface BootstrapOptions {
  /** Extra set-up before listening (e.g. the gateway's OpenAPI UI and gRPC server). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts an app the same way everywhere: HTTP first (so /health/live answers and readiness can say
 * "not yet" while NATS is away), then the NATS request/reply server in the background.
 */
export async function bootstrap(
  appModule: Parameters<typeof NestFactory.create>[0],
  config: ServiceConfig,
  options: BootstrapOptions = {},
): Promise<INestApplication> {
  const logger = new JsonLogger(config.appName, config.LOG_LEVEL);
  const app = await NestFactory.create(appModule, { logger, bufferLogs: true });
  app.useGlobalPipes(strictValidation());
  app.useGlobalFilters(new ExceptionsFilter());

  const server = new DrainingNatsServer({
    ...resilientNatsOptions(config, 'rpc'),
    queue: config.appName,
  });
  app.connectMicroservice<MicroserviceOptions>({ strategy: server }, { inheritAppConfig: true });
  const status = app.get(RpcServerStatus);
  server.status.subscribe((s) => status.set(s));
  app.get(ShutdownCoordinator).attach(server);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await options.configure?.(app);

  await app.listen(config.httpPort, config.HTTP_HOST);
  const log = new Logger('Bootstrap');
  log.log(`${config.appName} listening on http://${config.HTTP_HOST}:${config.httpPort}`);
  // Resolves once NATS is reachable; until then the app is live but not ready.
  app.startAllMicroservices().then(
    () => log.log(`${config.appName} serving NATS requests (queue group "${config.appName}")`),
    (err: unknown) => log.error(`NATS server failed: ${String(err)}`),
  );
  return app;
}
