import { ErrorCode, MAX_TEXT_CHARS, ServiceException } from '@sentimentops/contracts';
import { checkTexts, textsFromInputs } from './text-input.js';

const input = (shape: number[], elements?: string[]) => ({
  name: 'text',
  datatype: 'BYTES',
  shape,
  ...(elements ? { elements } : {}),
});

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as ServiceException).code).toBe(ErrorCode.InvalidArgument);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('textsFromInputs', () => {
  it('takes [n] and [n, 1]', () => {
    expect(textsFromInputs([input([2], ['a', 'b'])], 8)).toEqual(['a', 'b']);
    expect(textsFromInputs([input([2, 1], ['a', 'b'])], 8)).toEqual(['a', 'b']);
  });

  it('refuses other shapes, missing or repeated inputs', () => {
    expect(refusal(() => textsFromInputs([input([1, 2], ['a', 'b'])], 8))).toBe(
      "input 'text' has shape [1, 2]; expected [n] or [n, 1]",
    );
    expect(refusal(() => textsFromInputs([], 8))).toBe("input 'text' is required");
    expect(refusal(() => textsFromInputs([input([1], ['a']), input([1], ['b'])], 8))).toBe(
      "input 'text' is given 2 times",
    );
    expect(refusal(() => textsFromInputs([input([0], [])], 8))).toContain('holds no text');
  });
});

describe('checkTexts', () => {
  it('bounds the batch and each text, naming the field', () => {
    expect(refusal(() => checkTexts(['a', 'b', 'c'], 'texts', 2))).toBe(
      'texts holds 3 texts; a request takes at most 2',
    );
    expect(refusal(() => checkTexts(['ok', 'x'.repeat(MAX_TEXT_CHARS + 1)], 'texts', 2))).toBe(
      `texts[1] has ${MAX_TEXT_CHARS + 1} characters; a text has at most ${MAX_TEXT_CHARS}`,
    );
  });

  it('counts characters, not UTF-16 units', () => {
    const emoji = '😀'.repeat(MAX_TEXT_CHARS); // 2 units each
    expect(checkTexts([emoji], 'text', 1)).toEqual([emoji]);
    expect(() => checkTexts([`${emoji}!`], 'text', 1)).toThrow(ServiceException);
  });
});
