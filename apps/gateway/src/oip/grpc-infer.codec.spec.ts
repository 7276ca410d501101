import { ErrorCode, type ServiceException } from '@sentimentops/contracts';
import {
  decodeGrpcInferRequest,
  encodeGrpcInferResponse,
  type GrpcModelInferRequest,
} from './grpc-infer.codec.js';
import { type InferResult } from './oip-infer.types.js';
import { decodeFp32, decodeTextElements, encodeBytesElements } from './tensor-data.codec.js';

/** A request as proto-loader hands it over (defaults on). */
function request(overrides: Partial<GrpcModelInferRequest> = {}): GrpcModelInferRequest {
  return {
    model_name: 'sentiment',
    model_version: '',
    id: '',
    parameters: {},
    inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], parameters: {}, contents: null }],
    outputs: [],
    raw_input_contents: [],
    ...overrides,
  };
}

function refusal(req: GrpcModelInferRequest): string {
  try {
    decodeGrpcInferRequest(req);
  } catch (err) {
    expect((err as ServiceException).code).toBe(ErrorCode.InvalidArgument);
    return (err as Error).message;
  }
  throw new Error('expected the request to be refused');
}

describe('decodeGrpcInferRequest', () => {
  it('reads typed bytes_contents', () => {
    const decoded = decodeGrpcInferRequest(
      request({
        id: 'r1',
        inputs: [
          {
            name: 'text',
            datatype: 'BYTES',
            shape: [2],
            contents: { bytes_contents: [Buffer.from('good'), Buffer.from('bad')] },
          },
        ],
        outputs: [{ name: 'label', parameters: {} }],
      }),
    );
    expect(decoded).toEqual({
      id: 'r1',
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], elements: ['good', 'bad'] }],
      outputs: [{ name: 'label' }],
      binaryOutputs: false,
    });
  });

  it('reads raw_input_contents (what tritonclient sends), shapes given as strings too', () => {
    const decoded = decodeGrpcInferRequest(
      request({
        inputs: [{ name: 'text', datatype: 'BYTES', shape: ['2', '1'] }],
        raw_input_contents: [encodeBytesElements(['good', 'bad'])],
      }),
    );
    expect(decoded.inputs).toEqual([
      { name: 'text', datatype: 'BYTES', shape: [2, 1], elements: ['good', 'bad'] },
    ]);
    expect(decoded.id).toBeUndefined();
    expect(decoded.outputs).toBeUndefined();
  });

  it('refuses raw contents that do not match the inputs', () => {
    expect(refusal(request({ raw_input_contents: [Buffer.alloc(0), Buffer.alloc(0)] }))).toContain(
      'raw_input_contents holds 2 entries for 1 inputs',
    );
    expect(
      refusal(
        request({
          inputs: [
            {
              name: 'text',
              datatype: 'BYTES',
              shape: [1],
              contents: { bytes_contents: [Buffer.from('a')] },
            },
          ],
          raw_input_contents: [encodeBytesElements(['a'])],
        }),
      ),
    ).toContain('inputs[0].contents must be empty when raw_input_contents is used');
    expect(refusal(request({ raw_input_contents: [Buffer.from([9, 0, 0, 0, 1])] }))).toContain(
      "input 'text': element 0 claims 9 bytes",
    );
  });

  it('refuses bad shapes, no inputs and text that is not UTF-8', () => {
    expect(refusal(request({ inputs: [] }))).toContain('inputs must hold at least one');
    expect(
      refusal(request({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }] })),
    ).toContain('inputs[0].shape[0] must be a non-negative integer');
    expect(
      refusal(
        request({
          inputs: [
            {
              name: 'text',
              datatype: 'BYTES',
              shape: [1],
              contents: { bytes_contents: [Buffer.from([0xc3])] },
            },
          ],
        }),
      ),
    ).toBe("input 'text'[0] is not valid UTF-8 text");
  });

  it('marks outputs that ask for classification', () => {
    const decoded = decodeGrpcInferRequest(
      request({ outputs: [{ name: 'label', parameters: { classification: { int64_param: 2 } } }] }),
    );
    expect(decoded.outputs).toEqual([{ name: 'label', classification: true }]);
  });
});

describe('encodeGrpcInferResponse', () => {
  const result: InferResult = {
    modelName: 'sentiment',
    modelVersion: '3',
    outputs: [
      { name: 'label', datatype: 'BYTES', shape: [1], data: ['positive'], binary: false },
      { name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: [0.25, 0.75], binary: false },
    ],
  };

  it('answers raw_output_contents, one per output in order, for a raw request', () => {
    const response = encodeGrpcInferResponse(result, true);
    expect(response.outputs).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [1] },
      { name: 'probabilities', datatype: 'FP32', shape: [1, 2] },
    ]);
    expect(decodeTextElements(response.raw_output_contents[0], 'label')).toEqual(['positive']);
    expect(decodeFp32(response.raw_output_contents[1])).toEqual([0.25, 0.75]);
    expect(response).toMatchObject({ model_name: 'sentiment', model_version: '3', id: '' });
  });

  it('answers typed contents for a typed request', () => {
    const response = encodeGrpcInferResponse({ ...result, id: 'r1' }, false);
    expect(response.raw_output_contents).toEqual([]);
    expect(response.outputs[0].contents).toEqual({ bytes_contents: [Buffer.from('positive')] });
    expect(response.outputs[1].contents).toEqual({ fp32_contents: [0.25, 0.75] });
    expect(response.id).toBe('r1');
  });
});
