import { type ServiceDefinition } from '@grpc/grpc-js';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';

/**
 * What a request deserializer gives for bytes that are not a valid message. grpc-js answers a
 * deserializer that throws with INTERNAL, as if the server were broken; the caller sent a bad
 * message, so unaryHandler answers it INVALID_ARGUMENT instead.
 */
export class MalformedRequest {
  constructor(
    readonly method: string,
    readonly reason: string,
  ) {}

  toException(): ServiceException {
    return new ServiceException(
      ErrorCode.InvalidArgument,
      `the request to ${this.method} is not a valid protobuf message (${this.reason})`,
    );
  }
}

/** The service with request deserializers that return a MalformedRequest instead of throwing. */
export function withTolerantDeserializers(service: ServiceDefinition): ServiceDefinition {
  return Object.fromEntries(
    Object.entries(service).map(([name, method]) => [
      name,
      {
        ...method,
        requestDeserialize: (bytes: Buffer) => {
          try {
            return method.requestDeserialize(bytes) as object;
          } catch (err) {
            return new MalformedRequest(name, err instanceof Error ? err.message : String(err));
          }
        },
      },
    ]),
  );
}
