import { SENTIMENT_LABELS } from '@sentimentops/contracts';

/**
 * How the sentiment model looks through the Open Inference Protocol: one BYTES input of texts,
 * a BYTES label and FP32 probabilities per text. REST and gRPC describe and serve the same tensors.
 */
export const OIP_MODEL_NAME = 'sentiment';
export const OIP_PLATFORM = 'onnxruntime';
export const OIP_SERVER_NAME = 'sentimentops';
/** Binary tensor data over REST is the one OIP extension the gateway implements. */
export const OIP_EXTENSIONS = ['binary_tensor_data'] as const;

export const TEXT_INPUT = 'text';
export const LABEL_OUTPUT = 'label';
export const PROBABILITIES_OUTPUT = 'probabilities';
export const OUTPUT_NAMES = [LABEL_OUTPUT, PROBABILITIES_OUTPUT] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** The columns of `probabilities`, in order: the model's labels. */
export const PROBABILITY_COLUMNS = SENTIMENT_LABELS;

export type Datatype = 'BYTES' | 'FP32';

export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  /** -1 marks the batch dimension. */
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export function modelMetadata(version: string): ModelMetadata {
  return {
    name: OIP_MODEL_NAME,
    versions: [version],
    platform: OIP_PLATFORM,
    inputs: [{ name: TEXT_INPUT, datatype: 'BYTES', shape: [-1] }],
    outputs: [
      { name: LABEL_OUTPUT, datatype: 'BYTES', shape: [-1] },
      { name: PROBABILITIES_OUTPUT, datatype: 'FP32', shape: [-1, PROBABILITY_COLUMNS.length] },
    ],
  };
}
