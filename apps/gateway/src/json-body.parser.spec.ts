import { Body, Controller, HttpCode, type INestApplication, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { PredictBody } from './predict/predict.dto.js';
import { depthOver, MAX_JSON_DEPTH, readJsonBodies } from './json-body.parser.js';

// The JSON body parsing main.ts sets up, over real HTTP, in front of the global validation pipe.
@Controller()
class EchoController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: PredictBody) {
    return body;
  }
}

let app: INestApplication;
let url: string;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ controllers: [EchoController] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(strictValidation());
  app.useGlobalFilters(new ExceptionsFilter());
  readJsonBodies(app, 1 << 20);
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(() => app.close());

async function post(body: string | Buffer, contentType = 'application/json') {
  const res = await fetch(`${url}/echo`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(Buffer.from(body)),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('readJsonBodies', () => {
  it('passes a normal body on to validation', async () => {
    expect(await post('{"text": "caf\u00e9 \ud83d\ude00"}')).toEqual({
      status: 200,
      body: { text: 'caf\u00e9 \ud83d\ude00' },
    });
  });

  // These were 500s: class-transformer recursed once per level until the stack overflowed.
  it.each([
    ['100,000 nested arrays', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['a text of nested arrays', `{"text": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['50,000 nested objects', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
  ])('refuses %s with 400, naming the depth limit', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'INVALID_ARGUMENT',
      message: `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it('refuses bytes that are not UTF-8 with 400 instead of replacing them', async () => {
    const body = Buffer.concat([
      Buffer.from('{"text": "bad '),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}'),
    ]);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'INVALID_ARGUMENT',
      message: 'the request body is not valid UTF-8',
    });
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream'])(
    'refuses a %s body with 415, naming the type',
    async (type) => {
      const res = await post('{"text": "hi"}', type);
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({
        error: 'INVALID_ARGUMENT',
        message: `the request body must be application/json (Content-Type: ${type})`,
      });
    },
  );

  it('lets a request without a body through to validation', async () => {
    const res = await fetch(`${url}/echo`, { method: 'POST' });
    expect(res.status).toBe(400);
  });

  it('still decodes a body in another declared UTF charset', async () => {
    const body = Buffer.from('{"text": "hi"}', 'utf16le');
    expect(await post(body, 'application/json; charset=utf-16le')).toEqual({
      status: 200,
      body: { text: 'hi' },
    });
  });
});

describe('depthOver', () => {
  it('counts arrays and objects, not scalars', () => {
    expect(depthOver({ a: [1, { b: 'x' }] }, 3)).toBe(false);
    expect(depthOver({ a: [1, { b: [] }] }, 3)).toBe(true);
    expect(depthOver([], 1)).toBe(false);
  });
});
