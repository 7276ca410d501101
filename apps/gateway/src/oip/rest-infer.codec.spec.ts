import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { type InferResult } from './oip-infer.types.js';
import { decodeRestInferRequest, encodeRestInferResponse } from './rest-infer.codec.js';
import { decodeFp32, decodeTextElements, encodeBytesElements } from './tensor-data.codec.js';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** A binary request as tritonclient builds it: JSON, then each binary input's bytes. */
function binaryRequest(header: object, ...chunks: Buffer[]) {
  const head = json(header);
  return { body: Buffer.concat([head, ...chunks]), headerLength: String(head.length) };
}

function refusal(body: Buffer, headerLength?: string): string {
  try {
    decodeRestInferRequest(body, headerLength);
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceException);
    expect((err as ServiceException).code).toBe(ErrorCode.InvalidArgument);
    return (err as Error).message;
  }
  throw new Error('expected the request to be refused');
}

const textInput = (data: unknown, shape = [1]) => ({
  inputs: [{ name: 'text', datatype: 'BYTES', shape, data }],
});

describe('decodeRestInferRequest', () => {
  it('decodes JSON data, flat or nested, with id, outputs and parameters', () => {
    const request = decodeRestInferRequest(
      json({
        id: 'req-1',
        parameters: { binary_data_output: true },
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [2, 1], data: [['good'], ['bad']] }],
        outputs: [{ name: 'label', parameters: { binary_data: false } }, { name: 'probabilities' }],
      }),
    );
    expect(request).toEqual({
      id: 'req-1',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2, 1], elements: ['good', 'bad'] }],
      outputs: [{ name: 'label', binary: false }, { name: 'probabilities' }],
      binaryOutputs: true,
    });
  });

  it('decodes binary tensor data after the JSON header', () => {
    const data = encodeBytesElements(['good day', 'bad day']);
    const { body, headerLength } = binaryRequest(
      {
        inputs: [
          {
            name: 'text',
            datatype: 'BYTES',
            shape: [2],
            parameters: { binary_data_size: data.length },
          },
        ],
      },
      data,
    );
    expect(decodeRestInferRequest(body, headerLength).inputs[0].elements).toEqual([
      'good day',
      'bad day',
    ]);
  });

  it('leaves tensors of other datatypes undecoded (the model refuses them by name)', () => {
    const request = decodeRestInferRequest(
      json({ inputs: [{ name: 'text', datatype: 'FP32', shape: [1], data: [1.5] }] }),
    );
    expect(request.inputs[0]).toEqual({ name: 'text', datatype: 'FP32', shape: [1] });
  });

  it.each([
    ['an empty body', Buffer.alloc(0), 'the request body is empty'],
    ['malformed JSON', Buffer.from('{"inputs": ['), 'malformed JSON'],
    [
      'JSON that is not UTF-8 (was decoded to U+FFFD)',
      Buffer.concat([
        json(textInput(['ok'])).subarray(0, -5),
        Buffer.from([0xff, 0x22, 0x5d, 0x7d, 0x5d, 0x7d]),
      ]),
      'the JSON part of the request is not valid UTF-8',
    ],
    ['a JSON array', json([1]), 'must be a JSON object'],
    ['no inputs', json({ inputs: [] }), 'inputs must be a non-empty array'],
    [
      'a nameless input',
      json({ inputs: [{ datatype: 'BYTES', shape: [1] }] }),
      'inputs[0].name is required',
    ],
    [
      'a bad shape',
      json(textInput(['a'], [-1])),
      'inputs[0].shape[0] must be a non-negative integer',
    ],
    [
      'no data',
      json({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1] }] }),
      'inputs[0].data must be an array',
    ],
    ['a number as BYTES', json(textInput(['a', 3], [2])), 'inputs[0].data[1] must be a string'],
    ['a bad id', json({ id: 7, ...textInput(['a']) }), 'id must be a string'],
    ['bad outputs', json({ ...textInput(['a']), outputs: {} }), 'outputs must be an array'],
    [
      'a non-boolean binary_data',
      json({
        ...textInput(['a']),
        outputs: [{ name: 'label', parameters: { binary_data: 'yes' } }],
      }),
      'outputs[0].parameters.binary_data must be a boolean',
    ],
  ])('refuses %s, naming the field', (_what, body, message) => {
    expect(refusal(body)).toContain(message);
  });

  it('refuses a header length that is not within the body', () => {
    const body = json(textInput(['a']));
    expect(refusal(body, String(body.length + 1))).toContain(
      'Inference-Header-Content-Length must be the length of the JSON part',
    );
    expect(refusal(body, 'ten')).toContain('not "ten"');
  });

  it('refuses binary sizes that do not add up to the bytes sent', () => {
    const data = encodeBytesElements(['a']);
    const header = (size: number) => ({
      inputs: [
        { name: 'text', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: size } },
      ],
    });
    const tooBig = binaryRequest(header(data.length + 5), data);
    expect(refusal(tooBig.body, tooBig.headerLength)).toContain(
      `binary_data_size is ${data.length + 5} but only ${data.length} bytes`,
    );
    const leftover = binaryRequest(header(data.length), data, Buffer.from('xyz'));
    expect(refusal(leftover.body, leftover.headerLength)).toContain(
      'carries 3 bytes after the JSON',
    );
  });

  it('refuses an input with both data and binary_data_size', () => {
    const { body, headerLength } = binaryRequest(
      {
        inputs: [
          {
            name: 'text',
            datatype: 'BYTES',
            shape: [1],
            data: ['a'],
            parameters: { binary_data_size: 0 },
          },
        ],
      },
      Buffer.alloc(0),
    );
    expect(refusal(body, headerLength)).toContain('has both data and binary_data_size');
  });

  it('marks outputs that ask for the classification extension', () => {
    const request = decodeRestInferRequest(
      json({
        ...textInput(['a']),
        outputs: [{ name: 'label', parameters: { classification: 2 } }],
      }),
    );
    expect(request.outputs).toEqual([{ name: 'label', classification: true }]);
  });
});

describe('encodeRestInferResponse', () => {
  const result = (binary: [boolean, boolean]): InferResult => ({
    id: 'req-1',
    modelName: 'sentiment',
    modelVersion: '3',
    outputs: [
      {
        name: 'label',
        datatype: 'BYTES',
        shape: [2],
        data: ['positive', 'negative'],
        binary: binary[0],
      },
      {
        name: 'probabilities',
        datatype: 'FP32',
        shape: [2, 2],
        data: [0.25, 0.75, 0.75, 0.25],
        binary: binary[1],
      },
    ],
  });

  it('answers in JSON when no output is binary', () => {
    expect(encodeRestInferResponse(result([false, false]))).toEqual({
      binary: false,
      json: {
        model_name: 'sentiment',
        model_version: '3',
        id: 'req-1',
        outputs: [
          { name: 'label', datatype: 'BYTES', shape: [2], data: ['positive', 'negative'] },
          {
            name: 'probabilities',
            datatype: 'FP32',
            shape: [2, 2],
            data: [0.25, 0.75, 0.75, 0.25],
          },
        ],
      },
    });
  });

  it('puts binary outputs after the JSON, each with its binary_data_size', () => {
    const response = encodeRestInferResponse(result([true, true]));
    if (!response.binary) throw new Error('expected a binary response');
    const header = JSON.parse(response.body.subarray(0, response.headerLength).toString()) as {
      outputs: { name: string; data?: unknown; parameters: { binary_data_size: number } }[];
    };
    const [label, probabilities] = header.outputs;
    expect(label.data).toBeUndefined();
    const rest = response.body.subarray(response.headerLength);
    const labelSize = label.parameters.binary_data_size;
    expect(labelSize + probabilities.parameters.binary_data_size).toBe(rest.length);
    expect(decodeTextElements(rest.subarray(0, labelSize), 'label')).toEqual([
      'positive',
      'negative',
    ]);
    expect(decodeFp32(rest.subarray(labelSize))).toEqual([0.25, 0.75, 0.75, 0.25]);
  });

  it('mixes JSON and binary outputs as asked', () => {
    const response = encodeRestInferResponse(result([false, true]));
    if (!response.binary) throw new Error('expected a binary response');
    const header = JSON.parse(response.body.subarray(0, response.headerLength).toString()) as {
      outputs: { data?: unknown }[];
    };
    expect(header.outputs[0].data).toEqual(['positive', 'negative']);
    expect(response.body.length - response.headerLength).toBe(16);
  });
});
