import { type GrpcObject, loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import protobuf from 'protobufjs';
import { withTolerantDeserializers } from './malformed-request.js';

/** The .proto files the gateway serves, relative to the repository's proto/ folder. */
const PROTO_FILES = [
  'grpc_predict_v2.proto',
  'sentimentops/v1/sentiment.proto',
  'grpc/health/v1/health.proto',
];

/**
 * proto/ is read at run time, not compiled in: found by walking up from the working directory, as
 * processes run from the repository (or an image's workdir holding proto/); that also holds under
 * Jest, whose CommonJS build has no import.meta to start from.
 */
export function findProtoRoot(start = process.cwd()): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', PROTO_FILES[0]))) return join(dir, 'proto');
    if (dirname(dir) === dir)
      throw new Error(`no proto/${PROTO_FILES[0]} in ${start} or any folder above it`);
  }
}

export interface GatewayServices {
  inference: ServiceDefinition;
  sentiment: ServiceDefinition;
  health: ServiceDefinition;
}

/**
 * keepCase keeps OIP's snake_case field names (model_name, raw_input_contents); int64 fields
 * (tensor shapes) become numbers; unset scalars and lists get their defaults, so handlers never
 * see undefined where the proto promises a value. Bytes that are no message reach the handler as
 * a MalformedRequest (INVALID_ARGUMENT), not grpc-js' INTERNAL.
 */
export function loadGatewayServices(root = findProtoRoot()): GatewayServices {
  const definition = loadSync(PROTO_FILES, {
    includeDirs: [root],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const packages = loadPackageDefinition(definition);
  // The same files reflected by protobufjs, for what proto-loader's definitions do not keep: the
  // declared type of each field on the wire (see utf8-strings.ts).
  const reflected = new protobuf.Root();
  reflected.resolvePath = (_origin, target) => join(root, target);
  reflected.loadSync(PROTO_FILES, { keepCase: true }).resolveAll();
  const service = (path: string) => {
    const ctor = path.split('.').reduce<unknown>((o, key) => (o as GrpcObject)[key], packages);
    const methods = reflected.lookupService(path).methods;
    return withTolerantDeserializers(
      (ctor as { service: ServiceDefinition }).service,
      (method) => methods[method].resolvedRequestType!,
    );
  };
  return {
    inference: service('inference.GRPCInferenceService'),
    sentiment: service('sentimentops.v1.SentimentService'),
    health: service('grpc.health.v1.Health'),
  };
}
