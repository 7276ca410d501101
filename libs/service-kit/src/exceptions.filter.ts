import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import { ErrorCode, type RpcErrorBody, ServiceException } from '@sentimentops/contracts';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { type Observable, throwError } from 'rxjs';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { errorCodeFor, httpStatusFor } from './error-status.js';

/**
 * The one place errors become responses. HTTP gets `{statusCode, error, message, details?, errorId?}`;
 * NATS request/reply gets an RpcErrorBody. Unexpected errors are logged with an id that the
 * response carries, and their messages never leak. A database that is away (a restart, a
 * failover) is UNAVAILABLE, not INTERNAL: the client should retry, and nothing is broken.
 */
@Catch()
export class ExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const body = this.toBody(exception);
    if (host.getType() === 'rpc') return throwError(() => body);
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (isHealthReport(exception)) {
      // A failed readiness probe: keep terminus' report of which check is down.
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    // Nest's own HTTP errors keep their status (413 stays 413); the code says the same in words.
    const status =
      exception instanceof HttpException && body.code !== ErrorCode.Internal
        ? exception.getStatus()
        : httpStatusFor(body.code);
    response.status(status).json({
      statusCode: status,
      error: body.code,
      message: body.message,
      ...(body.details ? { details: body.details } : {}),
      ...(body.errorId ? { errorId: body.errorId } : {}),
    });
  }

  private toBody(exception: unknown): RpcErrorBody {
    if (exception instanceof ServiceException) {
      return {
        code: exception.code,
        message: exception.message,
        details: exception.details,
        ...(exception.errorId ? { errorId: exception.errorId } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const code = errorCodeFor(exception.getStatus());
      if (code !== ErrorCode.Internal) return { code, ...describeHttp(exception) };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(
        `database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`,
      );
      return { code: ErrorCode.Unavailable, message: 'the database is unavailable; retry later' };
    }
    const errorId = randomUUID();
    this.logger.error(
      `unhandled error ${errorId}: ${exception instanceof Error ? exception.message : String(exception)}`,
      exception instanceof Error ? exception.stack : undefined,
    );
    return { code: ErrorCode.Internal, message: 'internal error', errorId };
  }
}

function isHealthReport(e: unknown): e is HttpException {
  if (!(e instanceof HttpException) || e.getStatus() !== 503) return false;
  const body = e.getResponse();
  return typeof body === 'object' && body !== null && 'details' in body && 'status' in body;
}

/** ValidationPipe puts its list of problems in `message`; keep the list as details. */
function describeHttp(e: HttpException): { message: string; details?: string[] } {
  const res = e.getResponse();
  if (
    typeof res === 'object' &&
    res !== null &&
    Array.isArray((res as { message?: unknown }).message)
  ) {
    const details = (res as { message: string[] }).message;
    return { message: 'invalid request', details };
  }
  return { message: e.message };
}
