import protobuf from 'protobufjs';
import { join } from 'node:path';
import { findProtoRoot } from './proto-files.js';
import { invalidUtf8Field } from './utf8-strings.js';

// OIP's ModelInferRequest, encoded by protobufjs itself, then one string's bytes broken.
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(findProtoRoot(), target);
root.loadSync('grpc_predict_v2.proto', { keepCase: true }).resolveAll();
const ModelInferRequest = root.lookupType('inference.ModelInferRequest');

function encode(request: object): Buffer {
  return Buffer.from(ModelInferRequest.encode(ModelInferRequest.fromObject(request)).finish());
}

/** Replaces the first occurrence of `marker` (ASCII) by bytes that are not UTF-8 (same length). */
function breakString(bytes: Buffer, marker: string): Buffer {
  const at = bytes.indexOf(marker);
  if (at < 0) throw new Error(`${marker} not in the message`);
  const broken = Buffer.from(bytes);
  broken.fill(0xff, at, at + marker.length);
  return broken;
}

const request = {
  model_name: 'sentiment',
  id: 'req-1',
  parameters: { note: { string_param: 'PARAMVAL' } },
  inputs: [
    {
      name: 'text',
      datatype: 'BYTES',
      shape: [1],
      contents: { bytes_contents: [Buffer.from('\xff raw bytes may be anything', 'latin1')] },
      parameters: { KEYNAME: { bool_param: true } },
    },
  ],
  raw_input_contents: [Buffer.from([0xff, 0xfe])],
};

describe('invalidUtf8Field', () => {
  it('accepts a message whose strings are UTF-8, whatever its bytes fields hold', () => {
    expect(invalidUtf8Field(ModelInferRequest, encode(request))).toBeUndefined();
  });

  it.each([
    ['sentiment', 'model_name'],
    ['req-1', 'id'],
    ['PARAMVAL', 'parameters.string_param'],
    ['note', 'parameters(key)'],
    ['text', 'inputs.name'],
    ['KEYNAME', 'inputs.parameters(key)'],
  ])('names the field holding %s', (marker, path) => {
    const found = invalidUtf8Field(ModelInferRequest, breakString(encode(request), marker));
    expect(found?.replace('.(key)', '(key)')).toBe(path);
  });
});
