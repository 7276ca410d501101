import { type ServiceDefinition } from '@grpc/grpc-js';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import type protobuf from 'protobufjs';
import { invalidUtf8Field } from './utf8-strings.js';

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

/**
 * The service with request deserializers that return a MalformedRequest instead of throwing, also
 * for a `string` field that is not UTF-8 (see utf8-strings.ts). `requestType` names each method's
 * request message, as protobufjs reflects it.
 */
export function withTolerantDeserializers(
  service: ServiceDefinition,
  requestType: (method: string) => protobuf.Type,
): ServiceDefinition {
  return Object.fromEntries(
    Object.entries(service).map(([name, method]) => {
      const type = requestType(name);
      return [
        name,
        {
          ...method,
          requestDeserialize: (bytes: Buffer) => {
            try {
              const request = method.requestDeserialize(bytes) as object;
              // Walks the same bytes again: where it finds what the decoder let pass (an end-group
              // marker it skipped), it throws, and the request is as malformed.
              const field = invalidUtf8Field(type, bytes);
              if (field !== undefined)
                return new MalformedRequest(name, `field ${field} is not valid UTF-8`);
              return request;
            } catch (err) {
              return new MalformedRequest(name, err instanceof Error ? err.message : String(err));
            }
          },
        },
      ];
    }),
  );
}
