import { Metadata, type ServerErrorResponse, status as GrpcStatus } from '@grpc/grpc-js';
import { type Logger } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { randomUUID } from 'node:crypto';
import { RateLimitedException } from '../rate-limit/rate-limiter.js';

/** Every code maps to one gRPC status; the compiler checks that the switch covers them all. */
export function grpcStatusFor(code: ErrorCode): GrpcStatus {
  switch (code) {
    case ErrorCode.InvalidArgument:
    case ErrorCode.Unprocessable:
      return GrpcStatus.INVALID_ARGUMENT;
    case ErrorCode.Unauthenticated:
      return GrpcStatus.UNAUTHENTICATED;
    case ErrorCode.PermissionDenied:
      return GrpcStatus.PERMISSION_DENIED;
    case ErrorCode.NotFound:
      return GrpcStatus.NOT_FOUND;
    case ErrorCode.Conflict:
      return GrpcStatus.ALREADY_EXISTS;
    case ErrorCode.FailedPrecondition:
      return GrpcStatus.FAILED_PRECONDITION;
    case ErrorCode.ResourceExhausted:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case ErrorCode.DeadlineExceeded:
      return GrpcStatus.DEADLINE_EXCEEDED;
    case ErrorCode.Unavailable:
      return GrpcStatus.UNAVAILABLE;
    case ErrorCode.Internal:
      return GrpcStatus.INTERNAL;
  }
}

/**
 * The error a handler's failure becomes: a ServiceException keeps its message (it was written for
 * the caller); anything else is logged under an id and answered INTERNAL with only that id.
 */
export function toGrpcError(err: unknown, logger: Logger): Partial<ServerErrorResponse> {
  if (err instanceof ServiceException) {
    const details = err.details?.length ? `: ${err.details.join('; ')}` : '';
    const error = { code: grpcStatusFor(err.code), details: `${err.message}${details}` };
    if (!(err instanceof RateLimitedException)) return error;
    // REST's Retry-After, as a trailer: the seconds to wait before the limit admits the call.
    const metadata = new Metadata();
    metadata.set('retry-after', String(err.retryAfterS));
    return { ...error, metadata };
  }
  const errorId = randomUUID();
  logger.error(
    `unhandled error ${errorId}: ${err instanceof Error ? err.message : String(err)}`,
    err instanceof Error ? err.stack : undefined,
  );
  return { code: GrpcStatus.INTERNAL, details: `internal error (error id ${errorId})` };
}
