import { isUtf8 } from 'node:buffer';
import {
  type DecodedInput,
  type InferRequest,
  type InferResult,
  type OutputRequest,
} from './oip-infer.types.js';
import { invalidArgument } from './oip.errors.js';
import {
  decodeTextElements,
  encodeBytesElements,
  encodeFp32,
  flattenJsonData,
} from './tensor-data.codec.js';

/**
 * The REST form of an inference request and response: JSON, optionally followed by binary tensor
 * data (the binary tensor data extension), in which case this header gives the JSON's length.
 * Every check names the JSON field it refused, so a bad request is a 400 that says what to fix.
 */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

type Json = Record<string, unknown>;

export function decodeRestInferRequest(body: Buffer, headerLength?: string): InferRequest {
  if (body.length === 0)
    throw invalidArgument('the request body is empty: expected a JSON inference request');
  const jsonLength = parseHeaderLength(headerLength, body.length);
  const request = parseJsonObject(body.subarray(0, jsonLength));
  const binary = new BinarySection(body.subarray(jsonLength));

  const id = optional(request, 'id', 'string', 'id');
  const parameters = optionalObject(request, 'parameters', 'parameters');
  const inputs = request.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw invalidArgument('inputs must be a non-empty array of input tensors');
  const decoded = inputs.map((input, i) => decodeInput(input, `inputs[${i}]`, binary));
  binary.expectConsumed();

  return {
    ...(id !== undefined ? { id } : {}),
    inputs: decoded,
    outputs: decodeOutputs(request.outputs),
    binaryOutputs:
      optional(
        parameters ?? {},
        'binary_data_output',
        'boolean',
        'parameters.binary_data_output',
      ) ?? false,
  };
}

export type RestInferResponse =
  { binary: false; json: Json } | { binary: true; body: Buffer; headerLength: number };

export function encodeRestInferResponse(result: InferResult): RestInferResponse {
  const chunks: Buffer[] = [];
  const outputs = result.outputs.map(({ name, datatype, shape, data, binary }) => {
    if (!binary) return { name, datatype, shape, data };
    const bytes = datatype === 'BYTES' ? encodeBytesElements(data) : encodeFp32(data);
    chunks.push(bytes);
    return { name, datatype, shape, parameters: { binary_data_size: bytes.length } };
  });
  const json: Json = {
    model_name: result.modelName,
    model_version: result.modelVersion,
    ...(result.id !== undefined ? { id: result.id } : {}),
    outputs,
  };
  if (chunks.length === 0) return { binary: false, json };
  const header = Buffer.from(JSON.stringify(json), 'utf8');
  return { binary: true, body: Buffer.concat([header, ...chunks]), headerLength: header.length };
}

function parseHeaderLength(value: string | undefined, bodyLength: number): number {
  if (value === undefined) return bodyLength;
  const length = /^\d{1,10}$/.test(value.trim()) ? Number(value) : NaN;
  if (!(length > 0 && length <= bodyLength)) {
    throw invalidArgument(
      `${INFERENCE_HEADER_CONTENT_LENGTH} must be the length of the JSON part of the body ` +
        `(1 to ${bodyLength} bytes), not "${value}"`,
    );
  }
  return length;
}

function parseJsonObject(bytes: Buffer): Json {
  // As the binary elements are: bad bytes are refused, not turned into U+FFFD.
  if (!isUtf8(bytes)) throw invalidArgument('the JSON part of the request is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalidArgument(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(value)) throw invalidArgument('the inference request must be a JSON object');
  return value;
}

function decodeInput(value: unknown, field: string, binary: BinarySection): DecodedInput {
  if (!isObject(value)) throw invalidArgument(`${field} must be an object`);
  const name = required(value, 'name', 'string', `${field}.name`);
  const datatype = required(value, 'datatype', 'string', `${field}.datatype`);
  const shape = decodeShape(value.shape, `${field}.shape`);
  const parameters = optionalObject(value, 'parameters', `${field}.parameters`) ?? {};
  const size = parameters.binary_data_size;
  const where = `input '${name}'`;

  if (size !== undefined) {
    if (!Number.isSafeInteger(size) || (size as number) < 0)
      throw invalidArgument(`${field}.parameters.binary_data_size must be a non-negative integer`);
    if (value.data !== undefined)
      throw invalidArgument(`${field} has both data and binary_data_size: give one`);
    const bytes = binary.take(size as number, field);
    return {
      name,
      datatype,
      shape,
      ...(datatype === 'BYTES' ? { elements: decodeTextElements(bytes, where) } : {}),
    };
  }
  if (!Array.isArray(value.data))
    throw invalidArgument(`${field}.data must be an array (or send the tensor as binary data)`);
  if (datatype !== 'BYTES') return { name, datatype, shape };
  const elements = flattenJsonData(value.data, shape.length, `${field}.data`).map((e, i) => {
    if (typeof e !== 'string')
      throw invalidArgument(
        `${field}.data[${i}] must be a string: BYTES elements are strings in JSON`,
      );
    return e;
  });
  return { name, datatype, shape, elements };
}

function decodeOutputs(value: unknown): OutputRequest[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidArgument('outputs must be an array');
  return value.map((output, i) => {
    const field = `outputs[${i}]`;
    if (!isObject(output)) throw invalidArgument(`${field} must be an object`);
    const name = required(output, 'name', 'string', `${field}.name`);
    const parameters = optionalObject(output, 'parameters', `${field}.parameters`) ?? {};
    const binary = optional(
      parameters,
      'binary_data',
      'boolean',
      `${field}.parameters.binary_data`,
    );
    return {
      name,
      ...(binary !== undefined ? { binary } : {}),
      ...(parameters.classification !== undefined ? { classification: true } : {}),
    };
  });
}

function decodeShape(value: unknown, field: string): number[] {
  if (!Array.isArray(value)) throw invalidArgument(`${field} must be an array of integers`);
  return value.map((d, i) => {
    if (!Number.isSafeInteger(d) || (d as number) < 0)
      throw invalidArgument(`${field}[${i}] must be a non-negative integer`);
    return d as number;
  });
}

/** The bytes after the JSON, handed out in input order by each input's binary_data_size. */
class BinarySection {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {}

  take(size: number, field: string): Buffer {
    if (size > this.bytes.length - this.offset) {
      throw invalidArgument(
        `${field}.parameters.binary_data_size is ${size} but only ` +
          `${this.bytes.length - this.offset} bytes of binary data remain`,
      );
    }
    this.offset += size;
    return this.bytes.subarray(this.offset - size, this.offset);
  }

  expectConsumed() {
    if (this.offset !== this.bytes.length) {
      throw invalidArgument(
        `the body carries ${this.bytes.length - this.offset} bytes after the JSON and the ` +
          `inputs' binary_data_size that nothing accounts for (is ${INFERENCE_HEADER_CONTENT_LENGTH} right?)`,
      );
    }
  }
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type TypeName = 'string' | 'boolean';
type TypeOf<T extends TypeName> = T extends 'string' ? string : boolean;

function optional<T extends TypeName>(
  obj: Json,
  key: string,
  type: T,
  field: string,
): TypeOf<T> | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== type) throw invalidArgument(`${field} must be a ${type}`);
  return value as TypeOf<T>;
}

function required<T extends TypeName>(obj: Json, key: string, type: T, field: string): TypeOf<T> {
  const value = optional(obj, key, type, field);
  if (value === undefined) throw invalidArgument(`${field} is required`);
  return value;
}

function optionalObject(obj: Json, key: string, field: string): Json | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalidArgument(`${field} must be an object`);
  return value;
}
