import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ClientNats, NatsRecordBuilder } from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { ServiceConfig } from '@sentimentops/config';
import {
  ContractViolationError,
  ErrorCode,
  Headers,
  isRpcErrorBody,
  ServiceException,
  type RequestContract,
  validateMessage,
} from '@sentimentops/contracts';
import { RequestContext } from '@sentimentops/observability';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { untilConnected } from './first-connect.js';
import { resilientNatsOptions } from './nats-connection.js';

/** A request over NATS that did not produce a valid reply; `code` says why. */
export class RemoteCallError extends ServiceException {}

/**
 * Request/reply through the NestJS NATS transport client. Carries the request id in headers,
 * bounds the wait, validates the reply against the contract, and turns every failure into a
 * RemoteCallError with a code the gateway maps to HTTP and gRPC statuses.
 */
@Injectable()
export class NatsRequester implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NatsRequester.name);
  private readonly client: ClientNats;
  private connected = false;
  private closed = false;

  constructor(private readonly config: ServiceConfig) {
    this.client = new ClientNats(resilientNatsOptions(config, 'requests'));
    // NatsStatus is a const enum, which per-file compilers (SWC in Jest) cannot inline: compare the value.
    this.client.status.subscribe((s) => (this.connected = (s as string) === 'connected'));
  }

  onApplicationBootstrap() {
    // Connect now, so the first request does not pay for it; ClientNats reconnects on its own after.
    void untilConnected(() => this.client.connect(), {
      stopped: () => this.closed,
      onRetry: (err, ms) =>
        this.logger.warn(`NATS not reachable for requests (${String(err)}); retrying in ${ms} ms`),
    });
  }

  async onApplicationShutdown() {
    this.closed = true;
    await this.client.close();
  }

  async request<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
    timeoutMs = this.config.NATS_REQUEST_TIMEOUT_MS,
  ): Promise<Res> {
    if (!this.connected)
      throw new RemoteCallError(ErrorCode.Unavailable, 'message bus unavailable');
    const h = natsHeaders();
    h.set(Headers.requestId, RequestContext.requestId() ?? RequestContext.accept(undefined));
    const record = new NatsRecordBuilder(payload).setHeaders(h).build();
    let reply: unknown;
    try {
      reply = await firstValueFrom(
        this.client.send<unknown>(contract.subject, record).pipe(timeout(timeoutMs)),
      );
    } catch (err) {
      throw toRemoteCallError(err, contract.subject, timeoutMs);
    }
    try {
      return validateMessage(contract.reply, reply);
    } catch (err) {
      const details = err instanceof ContractViolationError ? err.problems : undefined;
      throw new RemoteCallError(
        ErrorCode.Internal,
        `invalid reply on ${contract.subject}`,
        details,
      );
    }
  }
}

function toRemoteCallError(err: unknown, subject: string, timeoutMs: number): RemoteCallError {
  if (err instanceof TimeoutError) {
    return new RemoteCallError(
      ErrorCode.DeadlineExceeded,
      `no reply on ${subject} within ${timeoutMs} ms`,
    );
  }
  if (isRpcErrorBody(err)) return new RemoteCallError(err.code, err.message, err.details);
  const message = err instanceof Error ? err.message : String(err);
  return new RemoteCallError(ErrorCode.Unavailable, `request on ${subject} failed: ${message}`);
}
