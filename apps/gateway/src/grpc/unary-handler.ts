import { type handleUnaryCall, Metadata, type ServerUnaryCall } from '@grpc/grpc-js';
import { type Logger } from '@nestjs/common';
import { RequestContext } from '@sentimentops/observability';
import { ROUTING_KEY_HEADER, routingKeyOf } from '../predict/sentiment-predictor.js';
import { toGrpcError } from './grpc-status.js';

export const REQUEST_ID_METADATA = 'x-request-id';

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
        .then(() => handle(call.request, call))
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(toGrpcError(err, logger)),
        );
    });
  };
}
