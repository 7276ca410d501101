import { status as GrpcStatus } from '@grpc/grpc-js';
import { type Logger } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { grpcStatusFor, toGrpcError } from './grpc-status.js';

describe('grpcStatusFor', () => {
  it('gives every error code its own gRPC status, never OK', () => {
    // gRPC has no 422: a request naming something unacceptable is INVALID_ARGUMENT there.
    const codes = Object.values(ErrorCode).filter((c) => c !== ErrorCode.Unprocessable);
    const statuses = codes.map(grpcStatusFor);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(statuses).not.toContain(GrpcStatus.OK);
  });

  it.each([
    [ErrorCode.InvalidArgument, GrpcStatus.INVALID_ARGUMENT],
    [ErrorCode.Unprocessable, GrpcStatus.INVALID_ARGUMENT],
    [ErrorCode.Unauthenticated, GrpcStatus.UNAUTHENTICATED],
    [ErrorCode.PermissionDenied, GrpcStatus.PERMISSION_DENIED],
    [ErrorCode.NotFound, GrpcStatus.NOT_FOUND],
    [ErrorCode.Conflict, GrpcStatus.ALREADY_EXISTS],
    [ErrorCode.FailedPrecondition, GrpcStatus.FAILED_PRECONDITION],
    [ErrorCode.ResourceExhausted, GrpcStatus.RESOURCE_EXHAUSTED],
    [ErrorCode.DeadlineExceeded, GrpcStatus.DEADLINE_EXCEEDED],
    [ErrorCode.Unavailable, GrpcStatus.UNAVAILABLE],
    [ErrorCode.Internal, GrpcStatus.INTERNAL],
  ])('maps %s to %d', (code, status) => {
    expect(grpcStatusFor(code)).toBe(status);
  });
});

describe('toGrpcError', () => {
  const logger = { error: jest.fn() } as unknown as Logger & { error: jest.Mock };

  it('keeps a ServiceException message and details', () => {
    const err = new ServiceException(ErrorCode.InvalidArgument, 'invalid request', [
      'texts: empty',
    ]);
    expect(toGrpcError(err, logger)).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: 'invalid request: texts: empty',
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('logs anything else under an id and answers INTERNAL with only the id', () => {
    const answer = toGrpcError(new Error('password=hunter2'), logger);
    expect(answer.code).toBe(GrpcStatus.INTERNAL);
    const id = /error id ([0-9a-f-]{36})/.exec(answer.details ?? '')?.[1];
    expect(id).toBeDefined();
    expect(answer.details).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining(id!), expect.any(String));
  });
});
