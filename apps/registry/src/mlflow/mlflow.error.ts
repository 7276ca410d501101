/**
 * What went wrong talking to MLflow. MLflow's own codes (its REST error body is
 * `{"error_code": "...", "message": "..."}`) where it sent one; ours for failures it could not
 * report: no answer at all, or an answer that is not MLflow's JSON (a proxy's HTML page).
 */
export enum MlflowErrorCode {
  ResourceAlreadyExists = 'RESOURCE_ALREADY_EXISTS',
  ResourceDoesNotExist = 'RESOURCE_DOES_NOT_EXIST',
  InvalidParameterValue = 'INVALID_PARAMETER_VALUE',
  Unauthenticated = 'UNAUTHENTICATED',
  PermissionDenied = 'PERMISSION_DENIED',
  RequestLimitExceeded = 'REQUEST_LIMIT_EXCEEDED',
  TemporarilyUnavailable = 'TEMPORARILY_UNAVAILABLE',
  InternalError = 'INTERNAL_ERROR',
  /** Any other code MLflow sent; `mlflowCode` holds it. */
  Other = 'OTHER',
  /** Ours: no HTTP answer (refused, reset, DNS, timed out) on the last attempt. */
  Unreachable = 'UNREACHABLE',
  /** Ours: an HTTP answer without MLflow's error JSON. */
  BadResponse = 'BAD_RESPONSE',
}

const KNOWN_CODES = new Set<string>(Object.values(MlflowErrorCode));

export class MlflowError extends Error {
  /** MLflow's code verbatim (e.g. `RESOURCE_ALREADY_EXISTS`), or ours for the last two kinds. */
  readonly mlflowCode: string;

  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
    /** HTTP status of MLflow's answer; undefined when there was none. */
    readonly status: number | undefined,
    /** e.g. `POST model-versions/create` */
    readonly endpoint: string,
    /** How many requests were made, retries included. */
    readonly attempts: number,
    mlflowCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MlflowError';
    this.mlflowCode = mlflowCode ?? errorCode;
  }

  /** The error for an MLflow error body (or for an answer that has none). */
  static fromResponse(
    endpoint: string,
    status: number,
    body: unknown,
    attempts: number,
  ): MlflowError {
    const { error_code: code, message } = (body ?? {}) as {
      error_code?: unknown;
      message?: unknown;
    };
    if (typeof code !== 'string') {
      const errorCode =
        status === 401
          ? MlflowErrorCode.Unauthenticated
          : status === 403
            ? MlflowErrorCode.PermissionDenied
            : MlflowErrorCode.BadResponse;
      return new MlflowError(
        errorCode,
        `MLflow ${endpoint}: HTTP ${status} without an MLflow error body`,
        status,
        endpoint,
        attempts,
      );
    }
    const errorCode = KNOWN_CODES.has(code) ? (code as MlflowErrorCode) : MlflowErrorCode.Other;
    const text = typeof message === 'string' ? message : '(no message)';
    return new MlflowError(
      errorCode,
      `MLflow ${endpoint}: ${code} (HTTP ${status}): ${text}`,
      status,
      endpoint,
      attempts,
      code,
    );
  }

  static unreachable(endpoint: string, url: string, cause: unknown, attempts: number): MlflowError {
    const why = describeNetworkError(cause);
    return new MlflowError(
      MlflowErrorCode.Unreachable,
      `MLflow ${endpoint}: no answer from ${url} after ${attempts} attempt(s): ${why}`,
      undefined,
      endpoint,
      attempts,
      undefined,
      { cause },
    );
  }
}

/** "connect ECONNREFUSED 127.0.0.1:5000", "timed out", ...: what fetch hides in `cause`. */
export function describeNetworkError(err: unknown): string {
  // Duck-typed: AbortSignal.timeout()'s DOMException may come from another realm (Jest's).
  const { name, message, cause } = (err ?? {}) as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (name === 'TimeoutError') return 'timed out';
  return cause?.message ?? cause?.code ?? message ?? String(err);
}
