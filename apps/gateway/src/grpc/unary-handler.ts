import { type handleUnaryCall, Metadata, type ServerUnaryCall } from '@grpc/grpc-js';
import { type Logger } from '@nestjs/common';
import { RequestContext } from '@sentimentops/observability';
import { ROUTING_KEY_HEADER, routingKeyOf } from '../predict/sentiment-predictor.js';
import { toGrpcError } from './grpc-status.js';
import { MalformedRequest } from './malformed-request.js';

export const REQUEST_ID_METADATA = 'x-request-id';

/**
 * The most characters of an error's details sent back. They travel percent-encoded in the
 * grpc-message trailer, up to 12 bytes a character, and may quote what the caller sent (a model
 * version, an input name); a trailer over Node's 64 KiB header block limit is never sent, and the
 * call, then the caller's whole connection, hangs. 1,000 characters stay under 12 KiB.
 */
export const MAX_ERROR_DETAILS_CHARS = 1000;

export function withBoundedDetails<E extends { details?: string }>(error: E): E {
  const { details } = error;
  if (details === undefined || details.length <= MAX_ERROR_DETAILS_CHARS) return error;
  // Cut between code points, never inside a surrogate pair.
  const kept = Array.from(details.slice(0, MAX_ERROR_DETAILS_CHARS)).slice(0, -1).join('');
  return { ...error, details: `${kept}… (${details.length} characters)` };
}

/** The caller's routing key for sticky canary routing, from the metadata REST takes as a header. */
export function routingKeyMetadata(metadata: Metadata): string | undefined {
  return routingKeyOf(metadata.get(ROUTING_KEY_HEADER));
}

/**
 * A unary gRPC method the way the HTTP middleware treats a request: it runs under the caller's
 * `x-request-id` (or a new one), which is sent back in the initial metadata and reaches logs and
 * NATS headers through RequestContext; a failure becomes a gRPC status through one mapping.
 */
export function unaryHandler<Req, Res>(
  logger: Logger,
  handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const [given] = call.metadata.get(REQUEST_ID_METADATA);
    RequestContext.run(typeof given === 'string' ? given : undefined, () => {
      const reply = new Metadata();
      reply.set(REQUEST_ID_METADATA, RequestContext.requestId()!);
      call.sendMetadata(reply);
      Promise.resolve()
        .then(() => {
          if (call.request instanceof MalformedRequest) throw call.request.toException();
          return handle(call.request, call);
        })
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(withBoundedDetails(toGrpcError(err, logger))),
        );
    });
  };
}
