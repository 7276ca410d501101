import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig } from '@sentimentops/config';
import {
  ErrorCode,
  type RequestContract,
  rolloutContracts,
  validateMessage,
} from '@sentimentops/contracts';
import {
  EventConsumers,
  EventPublisher,
  NatsRequester,
  RemoteCallError,
} from '@sentimentops/messaging';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { GatewayConfig } from '../gateway.config.js';
import { RolloutRouter } from './rollout.router.js';
import { RolloutsClient } from './rollouts.client.js';
import { RolloutsController } from './rollouts.controller.js';
import { RolloutsModule } from './rollouts.module.js';

// The rollout admin routes over real HTTP (guard, validation, exception filter as main.ts sets
// them up), with a stand-in for NATS that records each request and answers what a test tells it
// to, its answer checked against the reply contract as the real requester does.
const TOKEN = 'alice-token-0123456789abcdef';
const ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const rollout = {
  id: ID,
  modelName: 'sentiment',
  version: '4',
  championVersion: '3',
  state: 'progressing',
  mode: 'canary',
  steps: [5, 25, 50, 100],
  stepIndex: 1,
  weight: 25,
  mirrorPercent: 10,
  sticky: false,
  intervalSeconds: 60,
  failedChecks: 1,
  failureThreshold: 3,
  revision: 4,
  createdBy: 'alice',
  reason: 'retrained on new feedback',
  createdAt: '2026-01-02T03:00:00.000Z',
  updatedAt: '2026-01-02T03:02:00.000Z',
  nextCheckAt: '2026-01-02T03:03:00.000Z',
  finishedAt: null,
  checks: [
    {
      at: '2026-01-02T03:02:00.000Z',
      stepIndex: 0,
      weight: 5,
      verdict: 'pass',
      reasons: ['error rate 0.000 <= 0.010'],
      metrics: { agreement: 0.98 },
    },
  ],
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
    GATEWAY_ROLLOUT_TIMEOUT_MS: '4321',
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [RolloutsController],
    providers: [
      RolloutsClient,
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

const ACTIONS = ['pause', 'resume', 'promote', 'rollback'] as const;

const ROUTES = [
  ['POST', '/api/rollouts'],
  ['GET', '/api/rollouts'],
  ['GET', '/api/rollouts/current'],
  ...ACTIONS.map((a) => ['POST', `/api/rollouts/current/${a}`] as const),
] as const;

describe('admin token', () => {
  it('is required on every route', async () => {
    for (const [method, path] of ROUTES) {
      const body = method === 'POST' ? { version: '4' } : undefined;
      const missing = await call(method, path, { body, token: null });
      expect([method, path, missing.status]).toEqual([method, path, 401]);
      const wrong = await call(method, path, { body, token: 'not-the-token-at-all' });
      expect([method, path, wrong.status]).toEqual([method, path, 403]);
    }
    expect(requester.sent).toEqual([]);
  });
});

describe('POST /api/rollouts', () => {
  it('starts a rollout of the served model as the token and answers 201 with it', async () => {
    requester.answer = () => rollout;
    const res = await call('POST', '/api/rollouts', {
      body: {
        version: '4',
        steps: [5, 25, 50, 100],
        intervalSeconds: 60,
        mode: 'canary',
        sticky: true,
        reason: 'retrained on new feedback',
      },
    });
    expect(res).toEqual({ status: 201, body: rollout });
    expect(requester.sent).toEqual([
      {
        subject: rolloutContracts.start.subject,
        payload: {
          version: '4',
          steps: [5, 25, 50, 100],
          intervalSeconds: 60,
          mode: 'canary',
          sticky: true,
          reason: 'retrained on new feedback',
          modelName: 'sentiment',
          actor: 'alice',
        },
        timeoutMs: 4321,
      },
    ]);
  });

  it("leaves what is not given to the trainer-controller's defaults", async () => {
    requester.answer = () => rollout;
    expect((await call('POST', '/api/rollouts', { body: { version: '4' } })).status).toBe(201);
    expect(requester.sent[0].payload).toEqual({
      version: '4',
      modelName: 'sentiment',
      actor: 'alice',
    });
  });

  it.each([
    ['no version', {}, 'version'],
    ['a version "v4"', { version: 'v4' }, 'version'],
    ['steps of 0', { version: '4', steps: [0, 100] }, 'steps'],
    ['steps over 100', { version: '4', steps: [50, 101] }, 'steps'],
    ['steps that are not a list', { version: '4', steps: '5,25' }, 'steps'],
    ['an interval of 0', { version: '4', intervalSeconds: 0 }, 'intervalSeconds'],
    ['a mode "blue-green"', { version: '4', mode: 'blue-green' }, 'mode'],
    ['sticky "yes"', { version: '4', sticky: 'yes' }, 'sticky'],
    ['a reason of 2 characters', { version: '4', reason: 'no' }, 'reason'],
    ['a model name "Sentiment"', { version: '4', modelName: 'Sentiment' }, 'must be a model name'],
    ['an actor', { version: '4', actor: 'mallory' }, 'actor'],
    ['a weight', { version: '4', weight: 50 }, 'weight'],
  ])('refuses a body with %s', async (_, body, problem) => {
    const res = await call('POST', '/api/rollouts', { body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe('GET /api/rollouts', () => {
  it("lists the served model's rollouts, the limit left to the controller", async () => {
    requester.answer = () => ({ rollouts: [rollout] });
    const res = await call('GET', '/api/rollouts');
    expect(res).toEqual({ status: 200, body: { rollouts: [rollout] } });
    expect(requester.sent).toEqual([
      {
        subject: rolloutContracts.list.subject,
        payload: { modelName: 'sentiment' },
        timeoutMs: 4321,
      },
    ]);
  });

  it('reads the model and the limit from the query', async () => {
    requester.answer = () => ({ rollouts: [] });
    expect((await call('GET', '/api/rollouts?model=other&limit=5')).status).toBe(200);
    expect(requester.sent[0].payload).toEqual({ modelName: 'other', limit: 5 });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['model=Bad_Name', 'model'],
    ['state=promoted', 'state'],
  ])('refuses ?%s', async (query, problem) => {
    const res = await call('GET', `/api/rollouts?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe('GET /api/rollouts/current', () => {
  it('answers the rollout as the trainer-controller sent it', async () => {
    requester.answer = () => ({ rollout });
    const res = await call('GET', '/api/rollouts/current');
    expect(res).toEqual({ status: 200, body: rollout });
    expect(requester.sent).toEqual([
      {
        subject: rolloutContracts.current.subject,
        payload: { modelName: 'sentiment' },
        timeoutMs: 4321,
      },
    ]);
  });

  it('is 404 for a model that never had a rollout', async () => {
    requester.answer = () => ({ rollout: null });
    const res = await call('GET', '/api/rollouts/current?model=other');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'NOT_FOUND', message: 'model other has no rollout' });
    expect(requester.sent[0].payload).toEqual({ modelName: 'other' });
  });
});

describe.each(ACTIONS)('POST /api/rollouts/current/%s', (action) => {
  it('sends the model, the token as actor and the reason, and answers 200 with the rollout', async () => {
    requester.answer = () => rollout;
    const res = await call('POST', `/api/rollouts/current/${action}`, {
      body: { reason: 'checking the dashboards' },
    });
    expect(res).toEqual({ status: 200, body: rollout });
    expect(requester.sent).toEqual([
      {
        subject: rolloutContracts[action].subject,
        payload: { reason: 'checking the dashboards', modelName: 'sentiment', actor: 'alice' },
        timeoutMs: 4321,
      },
    ]);
  });

  it('needs no body at all', async () => {
    requester.answer = () => rollout;
    expect((await call('POST', `/api/rollouts/current/${action}`)).status).toBe(200);
    expect(requester.sent[0].payload).toEqual({ modelName: 'sentiment', actor: 'alice' });
  });

  it.each([
    ['a reason of 1001 characters', { reason: 'x'.repeat(1001) }, 'reason'],
    ['an actor', { actor: 'mallory' }, 'actor'],
    ['a version', { version: '4' }, 'version'],
  ])('refuses a body with %s', async (_, body, problem) => {
    const res = await call('POST', `/api/rollouts/current/${action}`, { body });
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
      const body = method === 'POST' ? { version: '4' } : undefined;
      const sent = path === '/api/rollouts' ? body : method === 'POST' ? {} : undefined;
      expect(await call(method, path, { body: sent })).toMatchObject(expected);
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
      '/api/rollouts',
      '/api/rollouts/current',
      '/api/rollouts/current/pause',
      '/api/rollouts/current/promote',
      '/api/rollouts/current/resume',
      '/api/rollouts/current/rollback',
    ]);
    const schemas = document.components?.schemas as Record<
      string,
      { properties: object; required?: string[] }
    >;
    expect(Object.keys(schemas.StartRolloutBody.properties).sort()).toEqual([
      'intervalSeconds',
      'mode',
      'modelName',
      'reason',
      'steps',
      'sticky',
      'version',
    ]);
    expect(schemas.StartRolloutBody.required).toEqual(['version']);
    expect(Object.keys(schemas.RolloutActionBody.properties).sort()).toEqual([
      'modelName',
      'reason',
    ]);
    expect(Object.keys(document.paths['/api/rollouts'].post!.responses)).toEqual(['201', '409']);
  });
});

describe('RolloutsModule', () => {
  it('resolves with what the platform provides globally (config, NATS, metrics)', async () => {
    @Global()
    @Module({
      imports: [PrometheusModule.register()],
      providers: [
        { provide: GatewayConfig, useValue: new GatewayConfig() },
        { provide: NatsRequester, useValue: requester },
        { provide: EventPublisher, useValue: {} },
        { provide: EventConsumers, useValue: { register: jest.fn() } },
      ],
      exports: [GatewayConfig, NatsRequester, EventPublisher, EventConsumers],
    })
    class FakePlatformModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [FakePlatformModule, RolloutsModule],
    }).compile();
    expect(moduleRef.get(RolloutsController)).toBeInstanceOf(RolloutsController);
    expect(moduleRef.get(RolloutRouter)).toBeInstanceOf(RolloutRouter);
    await moduleRef.close();
  });
});

describe('the rollout settings', () => {
  const tokens = { SENTIMENTOPS_ADMIN_TOKENS: `alice:${TOKEN}` };

  it('default to 30 seconds for an admin call and 5 s statistics windows', () => {
    const config = loadConfig(GatewayConfig, tokens);
    expect(config.GATEWAY_ROLLOUT_TIMEOUT_MS).toBe(30_000);
    expect(config.GATEWAY_ROLLOUT_STATS_S).toBe(5);
  });

  it.each([
    ['GATEWAY_ROLLOUT_TIMEOUT_MS', '99'],
    ['GATEWAY_ROLLOUT_TIMEOUT_MS', 'soon'],
    ['GATEWAY_ROLLOUT_STATS_S', '0'],
    ['GATEWAY_ROLLOUT_STATS_S', '2.5'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => loadConfig(GatewayConfig, { ...tokens, [key]: value })).toThrow(new RegExp(key));
  });
});
