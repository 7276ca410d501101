import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig } from '@sentimentops/config';
import {
  ErrorCode,
  pipelineContracts,
  type RequestContract,
  validateMessage,
} from '@sentimentops/contracts';
import { NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { GatewayConfig } from '../gateway.config.js';
import { PipelinesClient } from './pipelines.client.js';
import { PipelinesController } from './pipelines.controller.js';
import { PipelinesModule } from './pipelines.module.js';

// The pipeline admin routes over real HTTP (guard, validation, exception filter as main.ts sets
// them up), with a stand-in for NATS that records each request and answers what a test tells it
// to, its answer checked against the reply contract as the real requester does.
const TOKEN = 'alice-token-0123456789abcdef';
const ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const run = {
  id: ID,
  state: 'training',
  trigger: 'manual',
  reason: 'new feedback',
  requestedBy: 'alice',
  failedStep: null,
  error: null,
  progress: {
    epoch: 1,
    epochs: 3,
    step: 120,
    totalSteps: 900,
    stepsPerSecond: 41.5,
    etaSeconds: 18.8,
    job: 'train',
  },
  outputs: { collected: { rows: 250, after: 0, upTo: 250 } },
  joinedTriggers: 1,
  createdAt: '2026-01-02T03:00:00.000Z',
  updatedAt: '2026-01-02T03:05:00.000Z',
  finishedAt: null,
};

interface Sent {
  subject: string;
  payload: object;
  timeoutMs?: number;
}

class FakeRequester {
  sent: Sent[] = [];
  answer: (sent: Sent) => unknown = () => ({});

  request<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
    timeoutMs?: number,
  ): Promise<Res> {
    const sent = { subject: contract.subject, payload, timeoutMs };
    this.sent.push(sent);
    return Promise.resolve().then(() => validateMessage(contract.reply, this.answer(sent)));
  }
}

const requester = new FakeRequester();
let app: INestApplication;
let url: string;

beforeAll(async () => {
  const config = loadConfig(GatewayConfig, {
    SENTIMENTOPS_ADMIN_TOKENS: `alice:${TOKEN}`,
    GATEWAY_PIPELINE_TIMEOUT_MS: '4321',
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [PipelinesController],
    providers: [
      PipelinesClient,
      AdminTokenGuard,
      { provide: GatewayConfig, useValue: config },
      { provide: NatsRequester, useValue: requester },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(strictValidation());
  app.useGlobalFilters(new ExceptionsFilter());
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});

afterAll(() => app.close());

beforeEach(() => {
  requester.sent = [];
  requester.answer = () => ({});
});

async function call(
  method: string,
  path: string,
  { body, token = TOKEN }: { body?: unknown; token?: string | null } = {},
) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

const ROUTES = [
  ['POST', '/api/pipelines'],
  ['GET', '/api/pipelines'],
  ['GET', `/api/pipelines/${ID}`],
  ['POST', `/api/pipelines/${ID}/cancel`],
  ['POST', `/api/pipelines/${ID}/retry`],
] as const;

describe('admin token', () => {
  it('is required on every route', async () => {
    for (const [method, path] of ROUTES) {
      const body = method === 'POST' ? { reason: 'new feedback' } : undefined;
      const missing = await call(method, path, { body, token: null });
      expect([method, path, missing.status]).toEqual([method, path, 401]);
      const wrong = await call(method, path, { body, token: 'not-the-token-at-all' });
      expect([method, path, wrong.status]).toEqual([method, path, 403]);
    }
    expect(requester.sent).toEqual([]);
  });
});

describe('POST /api/pipelines', () => {
  it('starts a manual run as the token and answers 202 with the run and created', async () => {
    requester.answer = () => ({ run: { ...run, state: 'pending', progress: null }, created: true });
    const res = await call('POST', '/api/pipelines', { body: { reason: 'new feedback' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ ...run, state: 'pending', progress: null, created: true });
    expect(requester.sent).toEqual([
      {
        subject: pipelineContracts.start.subject,
        payload: { reason: 'new feedback', trigger: 'manual', actor: 'alice' },
        timeoutMs: 4321,
      },
    ]);
  });

  it('is still 202 when the trigger joined the active run (created: false)', async () => {
    requester.answer = () => ({ run, created: false });
    const res = await call('POST', '/api/pipelines', { body: { reason: 'again, please' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: ID, state: 'training', created: false });
  });

  it.each([
    ['no reason', {}, 'reason'],
    ['a reason of 2 characters', { reason: 'no' }, 'reason'],
    ['a reason of 1001 characters', { reason: 'x'.repeat(1001) }, 'reason'],
    ['a reason that is a number', { reason: 42 }, 'reason'],
    ['a trigger', { reason: 'new feedback', trigger: 'drift' }, 'trigger'],
    ['an actor', { reason: 'new feedback', actor: 'mallory' }, 'actor'],
  ])('refuses a body with %s', async (_, body, problem) => {
    const res = await call('POST', '/api/pipelines', { body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe('GET /api/pipelines', () => {
  it("lists runs, leaving the limit to the trainer-controller's default", async () => {
    requester.answer = () => ({ runs: [run] });
    const res = await call('GET', '/api/pipelines');
    expect(res).toEqual({ status: 200, body: { runs: [run] } });
    expect(requester.sent).toEqual([
      { subject: pipelineContracts.list.subject, payload: {}, timeoutMs: 4321 },
    ]);
  });

  it('reads the limit from the query', async () => {
    requester.answer = () => ({ runs: [] });
    expect((await call('GET', '/api/pipelines?limit=5')).status).toBe(200);
    expect(requester.sent[0].payload).toEqual({ limit: 5 });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['state=failed', 'state'],
  ])('refuses ?%s', async (query, problem) => {
    const res = await call('GET', `/api/pipelines?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe('GET /api/pipelines/:id', () => {
  it('answers the run as the trainer-controller sent it', async () => {
    requester.answer = () => run;
    const res = await call('GET', `/api/pipelines/${ID}`);
    expect(res).toEqual({ status: 200, body: run });
    expect(requester.sent).toEqual([
      { subject: pipelineContracts.get.subject, payload: { id: ID }, timeoutMs: 4321 },
    ]);
  });

  it.each(['42', `${ID}x`, ID.replace(/-/g, '')])(
    'refuses the id %s with a 400 naming the parameter, on every route',
    async (id) => {
      for (const [method, path] of [
        ['GET', `/api/pipelines/${id}`],
        ['POST', `/api/pipelines/${id}/cancel`],
        ['POST', `/api/pipelines/${id}/retry`],
      ]) {
        const res = await call(method, path, method === 'POST' ? { body: {} } : {});
        expect(res.status).toBe(400);
        expect(res.body.message).toContain('invalid run id');
        expect((res.body.details as string[])[0]).toMatch(/^id: must be a UUID/);
      }
      expect(requester.sent).toEqual([]);
    },
  );
});

describe.each(['cancel', 'retry'] as const)('POST /api/pipelines/:id/%s', (action) => {
  it('sends the id, the token as actor and the reason, and answers 200 with the run', async () => {
    requester.answer = () => run;
    const res = await call('POST', `/api/pipelines/${ID}/${action}`, {
      body: { reason: 'wrong data' },
    });
    expect(res).toEqual({ status: 200, body: run });
    expect(requester.sent).toEqual([
      {
        subject: pipelineContracts[action].subject,
        payload: { reason: 'wrong data', id: ID, actor: 'alice' },
        timeoutMs: 4321,
      },
    ]);
  });

  it('needs no body at all', async () => {
    requester.answer = () => run;
    expect((await call('POST', `/api/pipelines/${ID}/${action}`)).status).toBe(200);
    expect(requester.sent[0].payload).toEqual({ id: ID, actor: 'alice' });
  });

  it.each([
    ['a reason of 1001 characters', { reason: 'x'.repeat(1001) }, 'reason'],
    ['an id', { id: ID }, 'id'],
    ['an actor', { actor: 'mallory' }, 'actor'],
  ])('refuses a body with %s', async (_, body, problem) => {
    const res = await call('POST', `/api/pipelines/${ID}/${action}`, { body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe("the trainer-controller's errors", () => {
  it.each([
    [ErrorCode.NotFound, 404],
    [ErrorCode.FailedPrecondition, 400],
    [ErrorCode.Conflict, 409],
    [ErrorCode.DeadlineExceeded, 504],
    [ErrorCode.Unavailable, 503],
  ])('%s reaches the client as %i with its message and details', async (code, status) => {
    requester.answer = () => {
      throw new RemoteCallError(code, 'what the controller said', ['first reason', 'second']);
    };
    const expected = {
      status,
      body: {
        statusCode: status,
        error: code,
        message: 'what the controller said',
        details: ['first reason', 'second'],
      },
    };
    for (const [method, path] of ROUTES) {
      const body = method === 'POST' ? { reason: 'new feedback' } : undefined;
      expect(await call(method, path, { body })).toMatchObject(expected);
    }
  });
});

describe('OpenAPI', () => {
  it('documents the routes and their bodies', () => {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().addBearerAuth().build(),
    );
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/pipelines',
      '/api/pipelines/{id}',
      '/api/pipelines/{id}/cancel',
      '/api/pipelines/{id}/retry',
    ]);
    const schemas = document.components?.schemas as Record<
      string,
      { properties: object; required?: string[] }
    >;
    expect(Object.keys(schemas.StartPipelineBody.properties)).toEqual(['reason']);
    expect(schemas.StartPipelineBody.required).toEqual(['reason']);
    expect(Object.keys(schemas.PipelineActionBody.properties)).toEqual(['reason']);
    expect(schemas.PipelineActionBody.required ?? []).toEqual([]);
    expect(Object.keys(document.paths['/api/pipelines'].post!.responses)).toEqual(['202', '409']);
  });
});

describe('PipelinesModule', () => {
  it('resolves with what the platform provides globally (config, NATS)', async () => {
    @Global()
    @Module({
      providers: [
        { provide: GatewayConfig, useValue: new GatewayConfig() },
        { provide: NatsRequester, useValue: requester },
      ],
      exports: [GatewayConfig, NatsRequester],
    })
    class FakePlatformModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [FakePlatformModule, PipelinesModule],
    }).compile();
    expect(moduleRef.get(PipelinesClient)).toBeInstanceOf(PipelinesClient);
    expect(moduleRef.get(PipelinesController)).toBeInstanceOf(PipelinesController);
    await moduleRef.close();
  });
});

describe('GATEWAY_PIPELINE_TIMEOUT_MS', () => {
  const tokens = { SENTIMENTOPS_ADMIN_TOKENS: `alice:${TOKEN}` };

  it('defaults to 30 seconds', () => {
    expect(loadConfig(GatewayConfig, tokens).GATEWAY_PIPELINE_TIMEOUT_MS).toBe(30_000);
  });

  it.each(['99', '600001', 'soon'])('refuses %s', (value) => {
    expect(() =>
      loadConfig(GatewayConfig, { ...tokens, GATEWAY_PIPELINE_TIMEOUT_MS: value }),
    ).toThrow(/GATEWAY_PIPELINE_TIMEOUT_MS/);
  });
});
