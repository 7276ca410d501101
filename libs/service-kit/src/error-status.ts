import { HttpStatus } from '@nestjs/common';
import { ErrorCode } from '@sentimentops/contracts';

/** Every code maps to one HTTP status; the compiler checks that the switch covers them all. */
export function httpStatusFor(code: ErrorCode): HttpStatus {
  switch (code) {
    case ErrorCode.InvalidArgument:
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.Unprocessable:
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case ErrorCode.Unauthenticated:
      return HttpStatus.UNAUTHORIZED;
    case ErrorCode.PermissionDenied:
      return HttpStatus.FORBIDDEN;
    case ErrorCode.NotFound:
      return HttpStatus.NOT_FOUND;
    case ErrorCode.Conflict:
      return HttpStatus.CONFLICT;
    case ErrorCode.FailedPrecondition:
      // As google.rpc maps it: the request is valid, the system is not in a state to run it.
      return HttpStatus.BAD_REQUEST;
    case ErrorCode.ResourceExhausted:
      return HttpStatus.TOO_MANY_REQUESTS;
    case ErrorCode.DeadlineExceeded:
      return HttpStatus.GATEWAY_TIMEOUT;
    case ErrorCode.Unavailable:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ErrorCode.Internal:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

/** The reverse, for HTTP errors raised by Nest itself (validation, 404 routes, body too large). */
export function errorCodeFor(status: number): ErrorCode {
  if (status === 400 || status === 413 || status === 415) return ErrorCode.InvalidArgument;
  if (status === 422) return ErrorCode.Unprocessable;
  if (status === 401) return ErrorCode.Unauthenticated;
  if (status === 403) return ErrorCode.PermissionDenied;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 409) return ErrorCode.Conflict;
  if (status === 412) return ErrorCode.FailedPrecondition;
  if (status === 429) return ErrorCode.ResourceExhausted;
  if (status === 503) return ErrorCode.Unavailable;
  if (status === 504) return ErrorCode.DeadlineExceeded;
  return ErrorCode.Internal;
}
