import { padBatch, softmaxRows } from './loaded-model.js';

describe('padBatch', () => {
  it('pads right to the longest row of the batch, with a mask of the real tokens', () => {
    const batch = padBatch(
      [
        [2, 10, 3],
        [2, 3],
      ],
      0,
    );
    expect(batch).toMatchObject({ rows: 2, width: 3 });
    expect(Array.from(batch.inputIds, Number)).toEqual([2, 10, 3, 2, 3, 0]);
    expect(Array.from(batch.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('uses the card pad id', () => {
    expect(Array.from(padBatch([[5], [5, 6]], 7).inputIds, Number)).toEqual([5, 7, 5, 6]);
  });
});

describe('softmaxRows', () => {
  it('turns each row of logits into probabilities, stable for large logits', () => {
    const [a, b] = softmaxRows(new Float32Array([0, 0, 1000, -1000]), 2);
    expect(a).toEqual([0.5, 0.5]);
    expect(b[0]).toBeCloseTo(1, 12);
    expect(b[1]).toBeCloseTo(0, 12);
    const [c] = softmaxRows(new Float32Array([1, 2]), 2);
    expect(c[1]).toBeCloseTo(Math.exp(2) / (Math.exp(1) + Math.exp(2)), 7);
  });
});
