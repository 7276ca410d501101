/**
 * Error codes shared by every app. An RPC error reply carries one; the gateway maps it to an HTTP
 * status and a gRPC status, so a `switch` over this enum must cover every case.
 */
export enum ErrorCode {
  InvalidArgument = 'INVALID_ARGUMENT',
  /** The request is well formed but what it names is not acceptable (a malformed model card). */
  Unprocessable = 'UNPROCESSABLE',
  Unauthenticated = 'UNAUTHENTICATED',
  PermissionDenied = 'PERMISSION_DENIED',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  FailedPrecondition = 'FAILED_PRECONDITION',
  ResourceExhausted = 'RESOURCE_EXHAUSTED',
  DeadlineExceeded = 'DEADLINE_EXCEEDED',
  Unavailable = 'UNAVAILABLE',
  Internal = 'INTERNAL',
}

/** A failure with a code; the filters turn it into the right HTTP status or RPC error reply. */
export class ServiceException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly string[],
    /** The id under which an internal error was logged, where it happened (another app). */
    readonly errorId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The body of an error reply over NATS (and, re-shaped, over HTTP). */
export interface RpcErrorBody {
  code: ErrorCode;
  message: string;
  details?: readonly string[];
  /** Present on internal errors: the id under which the full error was logged. */
  errorId?: string;
}

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (Object.values(ErrorCode) as string[]).includes(v.code) &&
    typeof v.message === 'string'
  );
}
