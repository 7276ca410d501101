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

  it('gives the handler no MalformedRequest for the empty message', async () => {
    seen.length = 0;
    await send(Buffer.alloc(0));
    expect(seen[0]).not.toBeInstanceOf(MalformedRequest);
  });
});
