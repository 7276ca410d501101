import { type Datatype, type OutputName } from './oip.model.js';

/**
 * An inference request as both transports decode it: the REST codec (JSON and binary tensor
 * data) and the gRPC codec (typed contents and raw_input_contents) produce this, so checking it
 * against the model and answering it is written once, in OipService.
 */
export interface InferRequest {
  id?: string;
  inputs: DecodedInput[];
  /** The outputs asked for, in order; absent means all of the model's outputs. */
  outputs?: OutputRequest[];
  /** REST's request parameter `binary_data_output`: the default of each output's `binary_data`. */
  binaryOutputs: boolean;
}

export interface DecodedInput {
  name: string;
  datatype: string;
  shape: number[];
  /** The elements of a BYTES tensor as text; other datatypes are left undecoded. */
  elements?: string[];
}

export interface OutputRequest {
  name: string;
  /** REST's output parameter `binary_data`; gRPC has no such choice. */
  binary?: boolean;
  /** The classification extension's `classification` parameter, which is not served. */
  classification?: boolean;
}

/** The answer, transport-neutral: each codec writes it in its own form. */
export interface InferResult {
  id?: string;
  modelName: string;
  modelVersion: string;
  outputs: OutputTensor[];
}

export type OutputTensor =
  | {
      name: OutputName;
      datatype: Extract<Datatype, 'BYTES'>;
      shape: number[];
      data: string[];
      binary: boolean;
    }
  | {
      name: OutputName;
      datatype: Extract<Datatype, 'FP32'>;
      shape: number[];
      data: number[];
      binary: boolean;
    };
