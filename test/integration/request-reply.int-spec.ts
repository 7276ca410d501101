import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { appInfoContract, defineRequest, ErrorCode } from '@sentimentops/contracts';
import { NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { RequestContext } from '@sentimentops/observability';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

class EchoRequest {
  @IsString() @MaxLength(10) word!: string;
  @IsOptional() @IsString() delayMs?: string;
}
class EchoReply {
  @IsString() word!: string;
  @IsOptional() @IsString() requestId?: string;
}
const echo = defineRequest('it.echo.v1', EchoRequest, EchoReply);
const drain = defineRequest('it.drain.v1', EchoRequest, EchoReply);

@Controller()
class EchoController {
  @MessagePattern(echo.subject)
  async echo(@Payload() request: EchoRequest): Promise<EchoReply> {
    // The pipe transformed the payload into the class: proof that validation ran on it.
    if (!(request instanceof EchoRequest)) throw new Error('payload was not validated');
    if (request.delayMs) await sleep(Number(request.delayMs));
    return { word: request.word, requestId: RequestContext.requestId() };
  }
}

/** Served only by the app that the shutdown test closes. */
@Controller()
class DrainController {
  @MessagePattern(drain.subject)
  async drain(@Payload() request: EchoRequest): Promise<EchoReply> {
    await sleep(Number(request.delayMs ?? 0));
    return { word: request.word };
  }
}

describe('request/reply over the NestJS NATS transport', () => {
  let t: TestApp;
  let requester: NatsRequester;

  beforeAll(async () => {
    t = await startTestApp({ controllers: [EchoController] });
    requester = t.app.get(NatsRequester);
    await eventually(async () => (await fetch(`${t.url}/health/ready`)).status === 200);
  });
  afterAll(() => t?.app.close());

  it('answers a valid request and carries the request id across NATS in headers', async () => {
    const reply = await RequestContext.run('it-request-7', () =>
      requester.request(echo, { word: 'hello' }),
    );
    expect(reply).toEqual({ word: 'hello', requestId: 'it-request-7' });
  });

  it.each([
    ['a wrong type', { word: 5 }],
    ['a field over its bound', { word: 'much-too-long-word' }],
    ['an unknown field', { word: 'hi', admin: true }],
  ])(
    'rejects %s with INVALID_ARGUMENT (global pipes reach the microservice)',
    async (_n, payload) => {
      const error = await requester
        .request(echo, payload as unknown as EchoRequest)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RemoteCallError);
      expect((error as RemoteCallError).code).toBe(ErrorCode.InvalidArgument);
      expect((error as RemoteCallError).details?.length).toBeGreaterThan(0);
    },
  );

  it('gives DEADLINE_EXCEEDED when no reply comes in time', async () => {
    const error = await requester
      .request(echo, { word: 'slow', delayMs: '600' }, 200)
      .catch((e: unknown) => e);
    expect((error as RemoteCallError).code).toBe(ErrorCode.DeadlineExceeded);
  });

  it('gives UNAVAILABLE at once when nobody serves the subject (no responders)', async () => {
    const nobody = defineRequest('it.nobody.v1', EchoRequest, EchoReply);
    const started = Date.now();
    const error = await requester
      .request(nobody, { word: 'hello' }, 3_000)
      .catch((e: unknown) => e);
    expect((error as RemoteCallError).code).toBe(ErrorCode.Unavailable);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers the platform info request with name, version, commit and readiness', async () => {
    const info = await requester.request(appInfoContract('registry'), {});
    expect(info).toMatchObject({
      app: 'registry',
      ready: true,
      checks: { nats: 'up', accepting: 'up' },
    });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.commit).toMatch(/^([0-9a-f]{7,40}|unknown)$/);
  });

  it('times the handlers in /metrics', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(
      /nats_handler_duration_seconds_count\{[^}]*subject="it\.echo\.v1"[^}]*outcome="ok"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*route="\/health\/ready"/,
    );
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('finishes a request in progress when the app shuts down', async () => {
    const server = await startTestApp({ controllers: [DrainController] });
    await eventually(async () => (await fetch(`${server.url}/health/ready`)).status === 200);
    const inFlight = requester.request(drain, { word: 'drain', delayMs: '700' }, 5_000);
    await sleep(200);
    const closing = server.app.close();
    await eventually(
      async () => (await fetch(`${server.url}/health/ready`).catch(() => null))?.status !== 200,
      1_000,
    );
    await expect(inFlight).resolves.toEqual({ word: 'drain' });
    await closing;
    // Closed: the subject has no server left.
    const after = await requester.request(drain, { word: 'late' }, 300).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(RemoteCallError);
  });
});
