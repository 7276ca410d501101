import { invalidArgument } from './oip.errors.js';

/**
 * Tensor data in its binary form, shared by REST's binary tensor data extension and gRPC's
 * raw_input_contents / raw_output_contents: BYTES elements are each a 4-byte little-endian length
 * followed by that many bytes; FP32 elements are 4-byte little-endian IEEE floats, row-major.
 */
const LENGTH_PREFIX_BYTES = 4;

/** Texts must be UTF-8: a decoder that refuses bad bytes instead of inventing U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeBytesElements(elements: readonly (string | Uint8Array)[]): Buffer {
  const parts = elements.map((e) => (typeof e === 'string' ? Buffer.from(e, 'utf8') : e));
  const out = Buffer.alloc(parts.reduce((n, p) => n + LENGTH_PREFIX_BYTES + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    offset = out.writeUInt32LE(part.length, offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `where` names the tensor in error messages ("input 'text'"). */
export function decodeBytesElements(data: Uint8Array, where: string): Buffer[] {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const elements: Buffer[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    if (buffer.length - offset < LENGTH_PREFIX_BYTES) {
      throw invalidArgument(
        `${where}: binary BYTES data ends inside the length of element ${elements.length} ` +
          '(each element is a 4-byte little-endian length, then its bytes)',
      );
    }
    const length = buffer.readUInt32LE(offset);
    offset += LENGTH_PREFIX_BYTES;
    if (length > buffer.length - offset) {
      throw invalidArgument(
        `${where}: element ${elements.length} claims ${length} bytes but only ` +
          `${buffer.length - offset} remain`,
      );
    }
    elements.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return elements;
}

export function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidArgument(`${where} is not valid UTF-8 text`);
  }
}

/** BYTES binary data as text elements. */
export function decodeTextElements(data: Uint8Array, where: string): string[] {
  return decodeBytesElements(data, where).map((e, i) => decodeUtf8(e, `${where}[${i}]`));
}

export function encodeFp32(values: readonly number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

export function decodeFp32(data: Uint8Array): number[] {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Array.from({ length: Math.floor(buffer.length / 4) }, (_, i) => buffer.readFloatLE(i * 4));
}

/**
 * The elements of JSON tensor data, which may be flat or nested row by row. Nesting deeper than
 * the tensor's rank is refused, which also bounds the walk for any body the parser accepted.
 */
export function flattenJsonData(data: unknown[], rank: number, where: string): unknown[] {
  const out: unknown[] = [];
  const walk = (items: unknown[], depth: number) => {
    for (const item of items) {
      if (!Array.isArray(item)) out.push(item);
      else if (depth >= Math.max(rank, 1))
        throw invalidArgument(`${where} is nested deeper than the tensor's shape`);
      else walk(item, depth + 1);
    }
  };
  walk(data, 1);
  return out;
}
