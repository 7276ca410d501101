import { MAX_TEXT_CHARS } from '@sentimentops/contracts';
import { type DecodedInput } from './oip-infer.types.js';
import { TEXT_INPUT } from './oip.model.js';
import { invalidArgument } from './oip.errors.js';

/**
 * The texts of an OIP request: exactly one BYTES input named `text`, shaped [n] or [n, 1].
 * Checked here, before anything is sent to inference, so that every refusal names the input.
 */
export function textsFromInputs(inputs: readonly DecodedInput[], maxBatch: number): string[] {
  const other = inputs.find((i) => i.name !== TEXT_INPUT);
  if (other) {
    throw invalidArgument(
      `unexpected input '${other.name}': the model takes one input, '${TEXT_INPUT}' (BYTES)`,
    );
  }
  if (inputs.length !== 1) {
    throw invalidArgument(
      inputs.length === 0
        ? `input '${TEXT_INPUT}' is required`
        : `input '${TEXT_INPUT}' is given ${inputs.length} times`,
    );
  }
  const [input] = inputs;
  const where = `input '${TEXT_INPUT}'`;
  if (input.datatype !== 'BYTES')
    throw invalidArgument(`${where} must have datatype BYTES, not ${input.datatype}`);
  const { shape } = input;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1)))
    throw invalidArgument(`${where} has shape [${shape.join(', ')}]; expected [n] or [n, 1]`);
  const elements = input.elements ?? [];
  if (elements.length !== shape[0]) {
    throw invalidArgument(
      `${where} has shape [${shape.join(', ')}] but carries ${elements.length} element(s)`,
    );
  }
  return checkTexts(elements, where, maxBatch);
}

/**
 * A batch as every front door bounds it; `field` names it in the refusal. An OIP tensor may hold
 * empty strings; sentimentops.v1 refuses them, as REST /predict does.
 */
export function checkTexts(
  texts: string[],
  field: string,
  maxBatch: number,
  { allowEmpty = true } = {},
): string[] {
  if (texts.length === 0) throw invalidArgument(`${field} holds no text: give at least one`);
  if (texts.length > maxBatch)
    throw invalidArgument(
      `${field} holds ${texts.length} texts; a request takes at most ${maxBatch}`,
    );
  texts.forEach((text, i) => {
    // Counted in code points, as inference's validation counts: never stricter than it.
    if (!allowEmpty && text === '') throw invalidArgument(`${field}[${i}] is empty`);
    const chars = text.length > MAX_TEXT_CHARS ? [...text].length : text.length;
    if (chars > MAX_TEXT_CHARS) {
      throw invalidArgument(
        `${field}[${i}] has ${chars} characters; a text has at most ${MAX_TEXT_CHARS}`,
      );
    }
  });
  return texts;
}
