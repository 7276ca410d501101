import { isUtf8 } from 'node:buffer';
import protobuf from 'protobufjs';

/** Deeper than any message the gateway's protos define; a frame nesting further is refused. */
const MAX_DEPTH = 16;

/**
 * The first `string` field of a message, as a dotted path, whose bytes are not UTF-8; undefined
 * when every one is. proto3 requires string fields to be UTF-8, and the Go and C++ runtimes refuse
 * a message that breaks it; protobufjs (under @grpc/proto-loader) decodes such bytes to U+FFFD
 * instead, so a text would be scored as something the caller never sent. This walks the wire
 * format beside the decoder because protobufjs has no option to refuse them.
 */
export function invalidUtf8Field(
  type: protobuf.Type,
  bytes: Uint8Array,
  depth = 0,
): string | undefined {
  if (depth > MAX_DEPTH) return '(nested too deep)';
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    const field = type.fieldsById[tag >>> 3];
    if (wireType !== 2 || !field) {
      reader.skipType(wireType);
      continue;
    }
    const value = reader.bytes();
    const problem =
      field instanceof protobuf.MapField
        ? invalidUtf8InMapEntry(field, value, depth)
        : invalidUtf8In(field.type, field.resolvedType, value, depth);
    if (problem !== undefined) return problem === '' ? field.name : `${field.name}.${problem}`;
  }
  return undefined;
}

/** '' when the value itself is a string that is not UTF-8; a path inside it; or undefined. */
function invalidUtf8In(
  typeName: string,
  resolved: protobuf.ReflectionObject | null,
  value: Uint8Array,
  depth: number,
): string | undefined {
  if (typeName === 'string') return isUtf8(value) ? undefined : '';
  if (resolved instanceof protobuf.Type) return invalidUtf8Field(resolved, value, depth + 1);
  return undefined; // bytes, or a packed list of numbers
}

/** A map entry is a message of its own: key = 1, value = 2. */
function invalidUtf8InMapEntry(
  field: protobuf.MapField,
  entry: Uint8Array,
  depth: number,
): string | undefined {
  const reader = protobuf.Reader.create(entry);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    if (wireType !== 2) {
      reader.skipType(wireType);
      continue;
    }
    const value = reader.bytes();
    const id = tag >>> 3;
    if (id === 1 && field.keyType === 'string' && !isUtf8(value)) return '(key)';
    if (id === 2) {
      const problem = invalidUtf8In(field.type, field.resolvedType, value, depth);
      if (problem !== undefined) return problem === '' ? '(value)' : problem;
    }
  }
  return undefined;
}
