import {
  type ArgumentsHost,
  BadRequestException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ErrorCode, type RpcErrorBody, ServiceException } from '@sentimentops/contracts';
import { RemoteCallError } from '@sentimentops/messaging';
import { firstValueFrom, type Observable } from 'rxjs';
import { ExceptionsFilter } from './exceptions.filter.js';
import { httpStatusFor } from './error-status.js';

function httpHost() {
  const sent: { status?: number; body?: Record<string, unknown> } = {};
  const response = {
    headersSent: false,
    status(s: number) {
      sent.status = s;
      return this;
    },
    json(b: Record<string, unknown>) {
      sent.body = b;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

async function rpcBody(exception: unknown): Promise<RpcErrorBody> {
  const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
  const result = new ExceptionsFilter().catch(exception, host) as Observable<never>;
  return firstValueFrom(result).catch((e: RpcErrorBody) => e);
}

describe('ExceptionsFilter', () => {
  it('maps a domain exception to its HTTP status', () => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(
      new ServiceException(ErrorCode.ResourceExhausted, 'queue full'),
      host,
    );
    expect(sent).toEqual({
      status: 429,
      body: { statusCode: 429, error: 'RESOURCE_EXHAUSTED', message: 'queue full' },
    });
  });

  it('keeps validation problems as details', () => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(new BadRequestException(['text must be a string']), host);
    expect(sent.status).toBe(400);
    expect(sent.body).toMatchObject({
      error: 'INVALID_ARGUMENT',
      details: ['text must be a string'],
    });
  });

  it('keeps the status of an HTTP error raised by Nest', () => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(new PayloadTooLargeException('request entity too large'), host);
    expect(sent.status).toBe(413);
    expect(sent.body).toMatchObject({ error: 'INVALID_ARGUMENT' });
  });

  it('passes a failed readiness report through with its checks', () => {
    const { host, sent } = httpHost();
    const report = {
      status: 'error',
      info: {},
      error: { nats: { status: 'down' } },
      details: { nats: { status: 'down' } },
    };
    new ExceptionsFilter().catch(new ServiceUnavailableException(report), host);
    expect(sent).toEqual({ status: 503, body: report });
  });

  it('hides unexpected errors behind an error id', () => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(new Error('password=hunter2 in a stack trace'), host);
    expect(sent.status).toBe(500);
    expect(sent.body?.message).toBe('internal error');
    expect(sent.body?.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(sent.body)).not.toContain('hunter2');
  });

  it.each([
    [
      'the server shutting down (57P03)',
      Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    [
      "TypeORM's wrapper of one",
      Object.assign(new Error('query failed'), {
        driverError: Object.assign(new Error('terminating connection'), { code: '57P01' }),
      }),
    ],
  ])('answers 503 UNAVAILABLE for %s, without an error id', async (_, exception) => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(exception, host);
    expect(sent.status).toBe(503);
    expect(sent.body).toEqual({
      statusCode: 503,
      error: ErrorCode.Unavailable,
      message: 'the database is unavailable; retry later',
    });
    expect((await rpcBody(exception)).code).toBe(ErrorCode.Unavailable);
  });

  it('keeps a query error that is not about the connection INTERNAL', async () => {
    const exception = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect((await rpcBody(exception)).code).toBe(ErrorCode.Internal);
  });

  it('passes a remote error code through (gateway maps what inference said)', () => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(new RemoteCallError(ErrorCode.DeadlineExceeded, 'no reply'), host);
    expect(sent.status).toBe(504);
  });

  it('keeps the error id of an internal error that happened in another app', () => {
    const { host, sent } = httpHost();
    new ExceptionsFilter().catch(
      new RemoteCallError(ErrorCode.Internal, 'internal error', undefined, 'the-remote-id'),
      host,
    );
    expect(sent).toMatchObject({ status: 500, body: { errorId: 'the-remote-id' } });
  });

  it('answers RPC callers with an error body carrying the code', async () => {
    expect(await rpcBody(new BadRequestException(['texts should not be empty']))).toEqual({
      code: ErrorCode.InvalidArgument,
      message: 'invalid request',
      details: ['texts should not be empty'],
    });
    expect((await rpcBody(new NotFoundException('no such model'))).code).toBe(ErrorCode.NotFound);
    expect((await rpcBody(new TypeError('boom'))).code).toBe(ErrorCode.Internal);
  });

  it('has an HTTP status for every error code', () => {
    for (const code of Object.values(ErrorCode))
      expect(httpStatusFor(code)).toBeGreaterThanOrEqual(400);
  });
});
