import { type Prediction } from '@sentimentops/contracts';
import { type InferRequest, type OutputTensor } from './oip-infer.types.js';
import {
  LABEL_OUTPUT,
  OUTPUT_NAMES,
  type OutputName,
  PROBABILITIES_OUTPUT,
  PROBABILITY_COLUMNS,
} from './oip.model.js';
import { invalidArgument } from './oip.errors.js';

export interface SelectedOutput {
  name: OutputName;
  binary: boolean;
}

const isOutputName = (name: string): name is OutputName =>
  (OUTPUT_NAMES as readonly string[]).includes(name);

/** The outputs to return, in the order asked; checked before the prediction is paid for. */
export function selectOutputs(request: InferRequest): SelectedOutput[] {
  if (!request.outputs?.length)
    return OUTPUT_NAMES.map((name) => ({ name, binary: request.binaryOutputs }));
  const seen = new Set<string>();
  return request.outputs.map((output) => {
    if (!isOutputName(output.name)) {
      throw invalidArgument(
        `unknown output '${output.name}': the model's outputs are ` +
          OUTPUT_NAMES.map((n) => `'${n}'`).join(' and '),
      );
    }
    if (output.classification) {
      throw invalidArgument(
        `output '${output.name}' asks for the classification extension, which is not served: ` +
          `'${LABEL_OUTPUT}' already holds the top class`,
      );
    }
    if (seen.has(output.name)) throw invalidArgument(`output '${output.name}' is requested twice`);
    seen.add(output.name);
    return { name: output.name, binary: output.binary ?? request.binaryOutputs };
  });
}

/** label: BYTES [n]; probabilities: FP32 [n, 2], columns in the model's label order. */
export function outputTensors(
  predictions: readonly Prediction[],
  selected: readonly SelectedOutput[],
): OutputTensor[] {
  const n = predictions.length;
  return selected.map(({ name, binary }): OutputTensor => {
    if (name === LABEL_OUTPUT)
      return { name, datatype: 'BYTES', shape: [n], data: predictions.map((p) => p.label), binary };
    return {
      name: PROBABILITIES_OUTPUT,
      datatype: 'FP32',
      shape: [n, PROBABILITY_COLUMNS.length],
      data: predictions.flatMap((p) => PROBABILITY_COLUMNS.map((label) => p.probabilities[label])),
      binary,
    };
  });
}
