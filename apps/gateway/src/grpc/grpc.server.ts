import { Server, ServerCredentials } from '@grpc/grpc-js';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { GatewayConfig } from '../gateway.config.js';
import { HealthGrpcService } from './health.grpc-service.js';
import { InferenceGrpcService } from './inference.grpc-service.js';
import { loadGatewayServices } from './proto-files.js';
import { SentimentGrpcService } from './sentiment.grpc-service.js';

/**
 * The gateway's gRPC server (GATEWAY_GRPC_PORT, on HTTP_HOST). It binds once the app is
 * bootstrapped, so a port in use stops the start-up; on shutdown it stops taking calls and waits
 * for those in progress, bounded by SHUTDOWN_TIMEOUT_MS, before NATS (which they need) closes.
 * Messages above GATEWAY_MAX_BODY_BYTES are refused by grpc-js with RESOURCE_EXHAUSTED.
 */
@Injectable()
export class GrpcServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GrpcServer.name);
  private server?: Server;
  /** The bound port: GATEWAY_GRPC_PORT, or the one the OS chose when that is 0 (tests). */
  port?: number;

  constructor(
    private readonly config: GatewayConfig,
    private readonly inference: InferenceGrpcService,
    private readonly sentiment: SentimentGrpcService,
    private readonly health: HealthGrpcService,
  ) {}

  async onApplicationBootstrap() {
    const services = loadGatewayServices();
    const server = new Server({
      'grpc.max_receive_message_length': this.config.GATEWAY_MAX_BODY_BYTES,
    });
    server.addService(services.inference, this.inference.implementation());
    server.addService(services.sentiment, this.sentiment.implementation());
    server.addService(services.health, this.health.implementation());
    const host = this.config.HTTP_HOST;
    const address = `${isIPv6(host) ? `[${host}]` : host}:${this.config.GATEWAY_GRPC_PORT}`;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    this.server = server;
    this.logger.log(`gRPC listening on ${isIPv6(host) ? `[${host}]` : host}:${this.port}`);
  }

  async beforeApplicationShutdown() {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const drained = new Promise<boolean>((resolve) => server.tryShutdown(() => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.SHUTDOWN_TIMEOUT_MS);
    });
    const graceful = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (!graceful) {
      this.logger.warn('gRPC calls still running after the shutdown timeout; closing them');
      server.forceShutdown();
    }
  }
}
