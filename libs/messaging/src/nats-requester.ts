import { Injectable } from '@nestjs/common';
import {
  headers as natsHeaders,
  RequestError,
  TimeoutError,
  NoRespondersError,
} from '@nats-io/transport-node';
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
import { randomUUID } from 'node:crypto';
import { NatsConnection } from './nats-connection.js';

/** A request over NATS that did not produce a valid reply; `code` says why. */
export class RemoteCallError extends ServiceException {}

/** The NestJS NATS transport's packets: what its servers read and answer. */
interface NestRequestPacket {
  pattern: string;
  data: unknown;
  id: string;
}
interface NestReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Request/reply to the apps' NestJS NATS servers, over the app's one NATS connection. Carries the
 * request id in headers, bounds the wait, validates the reply against the contract, and turns
 * every failure into a RemoteCallError with a code the gateway maps to HTTP and gRPC statuses.
 *
 * It speaks the Nest transport's packet format itself instead of using Nest's ClientNats, which
 * subscribes and unsubscribes a fresh inbox for every request (three protocol operations, each
 * flushed on its own); `request()` here shares one multiplexed inbox subscription, which halves
 * the gateway's CPU per prediction. Nest answers a promise-returning handler with one packet.
 */
@Injectable()
export class NatsRequester {
  constructor(
    private readonly config: ServiceConfig,
    private readonly nats: NatsConnection,
  ) {}

  async request<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
    timeoutMs = this.config.NATS_REQUEST_TIMEOUT_MS,
  ): Promise<Res> {
    if (!this.nats.isConnected())
      throw new RemoteCallError(ErrorCode.Unavailable, 'message bus unavailable');
    const nc = await this.nats.connection();
    const h = natsHeaders();
    h.set(Headers.requestId, RequestContext.requestId() ?? RequestContext.accept(undefined));
    const packet: NestRequestPacket = {
      pattern: contract.subject,
      data: payload,
      id: randomUUID(),
    };
    let reply: NestReplyPacket;
    try {
      const msg = await nc.request(contract.subject, JSON.stringify(packet), {
        timeout: timeoutMs,
        headers: h,
      });
      reply = msg.json<NestReplyPacket>();
    } catch (err) {
      throw toRemoteCallError(err, contract.subject, timeoutMs);
    }
    if (reply.err !== undefined && reply.err !== null) {
      if (isRpcErrorBody(reply.err))
        throw new RemoteCallError(
          reply.err.code,
          reply.err.message,
          reply.err.details,
          reply.err.errorId,
        );
      throw new RemoteCallError(ErrorCode.Internal, `error reply on ${contract.subject}`);
    }
    try {
      return validateMessage(contract.reply, reply.response);
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
  const cause = err instanceof RequestError ? err.cause : undefined;
  if (err instanceof TimeoutError || cause instanceof TimeoutError) {
    return new RemoteCallError(
      ErrorCode.DeadlineExceeded,
      `no reply on ${subject} within ${timeoutMs} ms`,
    );
  }
  if (
    err instanceof NoRespondersError ||
    cause instanceof NoRespondersError ||
    (err instanceof RequestError && err.isNoResponders())
  ) {
    return new RemoteCallError(ErrorCode.Unavailable, `no responders on ${subject}`);
  }
  if (err instanceof SyntaxError) {
    return new RemoteCallError(ErrorCode.Internal, `reply on ${subject} is not JSON`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new RemoteCallError(ErrorCode.Unavailable, `request on ${subject} failed: ${message}`);
}
