import {
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { MalformedRequest } from './malformed-request.js';
import { loadGatewayServices } from './proto-files.js';
import { unaryHandler } from './unary-handler.js';

// sentimentops.v1.SentimentService on a real grpc-js server, called with raw bytes: bytes that
// are no PredictRequest were answered INTERNAL ("Error deserializing request") by grpc-js.
const PREDICT = '/sentimentops.v1.SentimentService/Predict';
let server: Server;
let client: Client;
const seen: unknown[] = [];

beforeAll(async () => {
  const { sentiment } = loadGatewayServices();
  server = new Server();
  server.addService(sentiment, {
    Predict: unaryHandler(new Logger('test'), (request: { texts: string[] }) => {
      seen.push(request);
      return { predictions: [], model: { name: 'sentiment', version: '1' } };
    }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
});

afterAll(() => {
  client.close();
  server.forceShutdown();
});

const send = (bytes: Buffer) =>
  new Promise<{ code: number; details?: string }>((resolve) =>
    client.makeUnaryRequest(
      PREDICT,
      () => bytes,
      (b: Buffer) => b,
      null,
      new Metadata(),
      {},
      (err) => resolve(err ? { code: err.code, details: err.details } : { code: GrpcStatus.OK }),
    ),
  );

describe('malformed protobuf requests', () => {
  it.each([
    ['an end-group marker without its group', Buffer.from('3c23', 'hex')],
    ['an invalid wire type', Buffer.from('1f3ec171', 'hex')],
    ['a length beyond the message', Buffer.from('12ff', 'hex')],
    ['a varint that never ends', Buffer.from('08ffffffffff', 'hex')],
    // protobufjs' decoder reads field 1 as a string whatever the wire type says; the UTF-8 walk
    // does not, and refuses the invalid wire type 7 further on.
    ['a field with a wire type its type cannot have', Buffer.from('0bbfa9ce3f358ae6', 'hex')],
  ])('answers %s INVALID_ARGUMENT, naming the method, without calling it', async (_name, bytes) => {
    seen.length = 0;
    const reply = await send(bytes);
    expect(reply.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(reply.details).toMatch(/^the request to Predict is not a valid protobuf message \(/);
    expect(seen).toEqual([]);
  });

  it('still decodes a valid message for the handler', async () => {
    seen.length = 0;
    // texts: ["ok"] (field 2, length-delimited)
    expect((await send(Buffer.from([0x12, 0x02, 0x6f, 0x6b]))).code).toBe(GrpcStatus.OK);
    expect(seen).toEqual([expect.objectContaining({ texts: ['ok'] })]);
  });

  it.each([
    ['a text', Buffer.from([0x0a, 0x03, 0x61, 0xff, 0x62]), 'text'],
    ['the second of two texts', Buffer.from([0x12, 0x01, 0x61, 0x12, 0x02, 0xc3, 0x28]), 'texts'],
  ])(
    'answers %s that is not UTF-8 INVALID_ARGUMENT instead of scoring U+FFFD',
    async (_name, bytes, field) => {
      seen.length = 0;
      const reply = await send(bytes);
      expect(reply.code).toBe(GrpcStatus.INVALID_ARGUMENT);
      expect(reply.details).toBe(
        `the request to Predict is not a valid protobuf message (field ${field} is not valid UTF-8)`,
      );
      expect(seen).toEqual([]);
    },
  );

  it('passes texts in any script, and U+FFFD itself, to the handler', async () => {
    seen.length = 0;
    const texts = ['café 😀', '日本語', '\uFFFD'];
    const bytes = Buffer.concat(
      texts.map((t) => {
        const utf8 = Buffer.from(t, 'utf8');
        return Buffer.concat([Buffer.from([0x12, utf8.length]), utf8]);
      }),
    );
    expect((await send(bytes)).code).toBe(GrpcStatus.OK);
    expect(seen).toEqual([expect.objectContaining({ texts })]);
  });

  it('gives the handler no MalformedRequest for the empty message', async () => {
    seen.length = 0;
    await send(Buffer.alloc(0));
    expect(seen[0]).not.toBeInstanceOf(MalformedRequest);
  });
});
