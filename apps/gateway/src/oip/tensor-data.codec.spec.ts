import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import {
  decodeBytesElements,
  decodeFp32,
  decodeTextElements,
  encodeBytesElements,
  encodeFp32,
  flattenJsonData,
} from './tensor-data.codec.js';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceException);
    expect((err as ServiceException).code).toBe(ErrorCode.InvalidArgument);
    return (err as Error).message;
  }
  throw new Error('expected an INVALID_ARGUMENT');
}

describe('binary tensor data', () => {
  it('writes BYTES elements as 4-byte little-endian lengths and their bytes', () => {
    expect([...encodeBytesElements(['ab', ''])]).toEqual([2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0]);
  });

  it('round-trips texts, empty and non-ASCII ones included', () => {
    const texts = ['great film', '', 'déçu 😞', 'x'.repeat(70_000)];
    expect(decodeTextElements(encodeBytesElements(texts), "input 'text'")).toEqual(texts);
  });

  it('reads elements from a view into a larger buffer', () => {
    const whole = Buffer.concat([Buffer.from('JSON'), encodeBytesElements(['hi'])]);
    expect(decodeTextElements(whole.subarray(4), 'x')).toEqual(['hi']);
  });

  it('refuses data that ends inside a length or an element', () => {
    expect(invalid(() => decodeBytesElements(Buffer.from([2, 0]), "input 'text'"))).toContain(
      "input 'text': binary BYTES data ends inside the length of element 0",
    );
    const short = encodeBytesElements(['abc']).subarray(0, 6);
    expect(invalid(() => decodeBytesElements(short, "input 'text'"))).toContain(
      'element 0 claims 3 bytes but only 2 remain',
    );
  });

  it('refuses bytes that are not UTF-8, naming the element', () => {
    const data = encodeBytesElements(['ok', Buffer.from([0xff, 0xfe])]);
    expect(invalid(() => decodeTextElements(data, "input 'text'"))).toBe(
      "input 'text'[1] is not valid UTF-8 text",
    );
  });

  it('round-trips FP32 values in little-endian order', () => {
    const values = [0.25, 0.75, 1, 0];
    expect(encodeFp32(values).readFloatLE(4)).toBe(0.75);
    expect(decodeFp32(encodeFp32(values))).toEqual(values);
  });
});

describe('JSON tensor data', () => {
  it('takes flat and row-nested data', () => {
    expect(flattenJsonData(['a', 'b'], 1, 'data')).toEqual(['a', 'b']);
    expect(flattenJsonData([['a'], ['b']], 2, 'data')).toEqual(['a', 'b']);
  });

  it('refuses nesting deeper than the shape', () => {
    expect(invalid(() => flattenJsonData([[['a']]], 2, 'inputs[0].data'))).toBe(
      "inputs[0].data is nested deeper than the tensor's shape",
    );
  });
});
