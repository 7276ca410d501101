import { ErrorCode, ServiceException } from '@sentimentops/contracts';

/** A request the protocol or the model cannot take: 400 over REST, INVALID_ARGUMENT over gRPC. */
export const invalidArgument = (message: string) =>
  new ServiceException(ErrorCode.InvalidArgument, message);

/** An unknown model, or a version that is not the one served: 404 / NOT_FOUND. */
export const notFound = (message: string) => new ServiceException(ErrorCode.NotFound, message);
