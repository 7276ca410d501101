import { type DecodedInput, type InferRequest, type InferResult } from './oip-infer.types.js';
import { invalidArgument } from './oip.errors.js';
import {
  decodeTextElements,
  decodeUtf8,
  encodeBytesElements,
  encodeFp32,
} from './tensor-data.codec.js';

/**
 * The gRPC form of ModelInfer (proto/grpc_predict_v2.proto, loaded with keepCase): tensors come as
 * typed `contents` or as `raw_input_contents`. The response mirrors the request: raw outputs for a
 * raw request (what tritonclient sends and reads, also for FP32), typed contents otherwise.
 */
export interface GrpcInferParameter {
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

export interface GrpcTensorContents {
  bytes_contents?: Uint8Array[];
  fp32_contents?: number[];
  [other: string]: unknown[] | undefined;
}

export interface GrpcInferInputTensor {
  name: string;
  datatype: string;
  shape: (number | string)[];
  parameters?: Record<string, GrpcInferParameter>;
  contents?: GrpcTensorContents | null;
}

export interface GrpcModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters?: Record<string, GrpcInferParameter>;
  inputs: GrpcInferInputTensor[];
  outputs: { name: string; parameters?: Record<string, GrpcInferParameter> }[];
  raw_input_contents: Uint8Array[];
}

export interface GrpcInferOutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  contents?: GrpcTensorContents;
}

export interface GrpcModelInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: GrpcInferOutputTensor[];
  raw_output_contents: Buffer[];
}

export function usesRawContents(request: GrpcModelInferRequest): boolean {
  return (request.raw_input_contents ?? []).length > 0;
}

export function decodeGrpcInferRequest(request: GrpcModelInferRequest): InferRequest {
  const inputs = request.inputs ?? [];
  const raw = request.raw_input_contents ?? [];
  if (inputs.length === 0) throw invalidArgument('inputs must hold at least one input tensor');
  if (raw.length > 0 && raw.length !== inputs.length) {
    throw invalidArgument(
      `raw_input_contents holds ${raw.length} entries for ${inputs.length} inputs: give one per input`,
    );
  }
  const decoded = inputs.map((input, i): DecodedInput => {
    const field = `inputs[${i}]`;
    const where = `input '${input.name}'`;
    const shape = decodeShape(input.shape ?? [], `${field}.shape`);
    const typed = input.contents?.bytes_contents ?? [];
    if (raw.length > 0) {
      if (hasTypedContents(input.contents))
        throw invalidArgument(`${field}.contents must be empty when raw_input_contents is used`);
      return {
        name: input.name,
        datatype: input.datatype,
        shape,
        ...(input.datatype === 'BYTES' ? { elements: decodeTextElements(raw[i], where) } : {}),
      };
    }
    if (input.datatype !== 'BYTES') return { name: input.name, datatype: input.datatype, shape };
    const elements = typed.map((bytes, j) => decodeUtf8(bytes, `${where}[${j}]`));
    return { name: input.name, datatype: input.datatype, shape, elements };
  });
  const id = request.id ? { id: request.id } : {};
  const outputs = (request.outputs ?? []).map(({ name, parameters }) => ({
    name,
    ...(parameters?.classification ? { classification: true } : {}),
  }));
  return { ...id, inputs: decoded, ...(outputs.length ? { outputs } : {}), binaryOutputs: false };
}

export function encodeGrpcInferResponse(result: InferResult, raw: boolean): GrpcModelInferResponse {
  const rawContents: Buffer[] = [];
  const outputs = result.outputs.map((output): GrpcInferOutputTensor => {
    const tensor = { name: output.name, datatype: output.datatype, shape: output.shape };
    if (raw) {
      rawContents.push(
        output.datatype === 'BYTES' ? encodeBytesElements(output.data) : encodeFp32(output.data),
      );
      return tensor;
    }
    return {
      ...tensor,
      contents:
        output.datatype === 'BYTES'
          ? { bytes_contents: output.data.map((s) => Buffer.from(s, 'utf8')) }
          : { fp32_contents: output.data },
    };
  });
  return {
    model_name: result.modelName,
    model_version: result.modelVersion,
    id: result.id ?? '',
    outputs,
    raw_output_contents: rawContents,
  };
}

/** int64 arrives as a number (proto-loader `longs: Number`), or a string from other loaders. */
function decodeShape(shape: (number | string)[], field: string): number[] {
  return shape.map((d, i) => {
    const n = typeof d === 'string' ? Number(d) : d;
    if (!Number.isSafeInteger(n) || n < 0)
      throw invalidArgument(`${field}[${i}] must be a non-negative integer`);
    return n;
  });
}

function hasTypedContents(contents: GrpcTensorContents | null | undefined): boolean {
  return Object.values(contents ?? {}).some((v) => Array.isArray(v) && v.length > 0);
}
