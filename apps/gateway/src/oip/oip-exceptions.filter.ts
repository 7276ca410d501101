import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { ServiceException } from '@sentimentops/contracts';
import { httpStatusFor } from '@sentimentops/service-kit';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';

/**
 * OIP clients read errors as `{"error": "..."}` (tritonclient and kserve show that string), so
 * the /v2 routes answer in that form instead of the gateway's usual error body; the statuses are
 * the same as everywhere else. Unexpected errors are logged with an id the answer carries.
 */
@Catch()
export class OipExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('OipExceptions');

  catch(exception: unknown, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const { status, error } = this.describe(exception);
    response.status(status).json({ error });
  }

  private describe(exception: unknown): { status: number; error: string } {
    if (exception instanceof ServiceException) {
      const details = exception.details?.length ? `: ${exception.details.join('; ')}` : '';
      return { status: httpStatusFor(exception.code), error: `${exception.message}${details}` };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500)
      return { status: exception.getStatus(), error: exception.message };
    const errorId = randomUUID();
    this.logger.error(
      `unhandled error ${errorId}: ${exception instanceof Error ? exception.message : String(exception)}`,
      exception instanceof Error ? exception.stack : undefined,
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      error: `internal error (error id ${errorId})`,
    };
  }
}
