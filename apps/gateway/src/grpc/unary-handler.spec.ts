import {
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { loadGatewayServices } from './proto-files.js';
import { MAX_ERROR_DETAILS_CHARS, unaryHandler, withBoundedDetails } from './unary-handler.js';

// A refusal that quotes a long value from the request (OIP "model 'sentiment' version '…' is not
// served"): 20,000 é percent-encode to a 120 KB grpc-message trailer, which was never sent; the
// call hung until its deadline, and so did every later call on that connection.
const PREDICT = '/sentimentops.v1.SentimentService/Predict';
let server: Server;
let client: Client;

beforeAll(async () => {
  server = new Server();
  server.addService(loadGatewayServices().sentiment, {
    Predict: unaryHandler(new Logger('test'), ({ text }: { text?: string }) => {
      if (text === 'ok') return { predictions: [], model: { name: 'sentiment', version: '1' } };
      throw new ServiceException(ErrorCode.NotFound, `version '${text}' is not served`);
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

const predict = (text: string) =>
  new Promise<{ code: GrpcStatus; details?: string }>((resolve) =>
    client.makeUnaryRequest(
      PREDICT,
      () =>
        Buffer.concat([Buffer.from([0x0a]), varint(Buffer.byteLength(text)), Buffer.from(text)]),
      (b: Buffer) => b,
      null,
      new Metadata(),
      { deadline: Date.now() + 5_000 },
      (err) => resolve(err ? { code: err.code, details: err.details } : { code: GrpcStatus.OK }),
    ),
  );

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

describe('unaryHandler error details', () => {
  it('answers a refusal quoting 20,000 é, cut short, and the connection keeps working', async () => {
    const reply = await predict('é'.repeat(20_000));
    expect(reply.code).toBe(GrpcStatus.NOT_FOUND);
    expect(reply.details).toMatch(/^version 'é+… \(20024 characters\)$/);
    expect(reply.details!.length).toBeLessThanOrEqual(MAX_ERROR_DETAILS_CHARS + 30);
    expect((await predict('ok')).code).toBe(GrpcStatus.OK);
  });

  it('leaves short details alone and never splits a surrogate pair', () => {
    expect(withBoundedDetails({ code: 5, details: 'short' })).toEqual({
      code: 5,
      details: 'short',
    });
    const cut = withBoundedDetails({ details: '😀'.repeat(MAX_ERROR_DETAILS_CHARS) }).details;
    expect(cut).toMatch(/^(😀)+… \(2000 characters\)$/u);
  });
});
