import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig } from '@sentimentops/config';
import {
  driftContracts,
  ErrorCode,
  type RequestContract,
  validateMessage,
} from '@sentimentops/contracts';
import { NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { GatewayConfig } from '../gateway.config.js';
import { DriftClient } from './drift.client.js';
import { DriftController } from './drift.controller.js';
import { DriftModule } from './drift.module.js';

// The drift admin routes over real HTTP (guard, validation, exception filter as main.ts sets them
// up), with a stand-in for NATS that records each request and answers what a test tells it to,
// its answer checked against the reply contract as the real requester does.
const TOKEN = 'alice-token-0123456789abcdef';
const ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const PAGE = '<!doctype html><html><body><h1>Drift report</h1></body></html>';

const report = {
  id: ID,
  status: 'drift',
  severity: 'alert',
  modelName: 'sentiment',
  modelVersion: '3',
  windowStart: '2026-01-02T02:00:00.000Z',
  windowEnd: '2026-01-02T03:00:00.000Z',
  n: 1200,
  minSamples: 500,
  features: [
    {
      name: 'score',
      kind: 'numeric',
      psi: 0.31,
      ks_statistic: 0.21,
      ks_pvalue: 1.2e-9,
      ks_method: 'asymp',
      chi2_statistic: null,
      chi2_pvalue: null,
      p_adjusted: 3.6e-9,
      drifting: true,
    },
    {
      name: 'label',
      kind: 'categorical',
      psi: 0.02,
      ks_statistic: null,
      ks_pvalue: null,
      ks_method: null,
      chi2_statistic: 1.7,
      chi2_pvalue: 0.19,
      p_adjusted: 0.38,
      drifting: false,
    },
  ],
  quality: { labelled: 40, accuracy: 0.875, estimatedAccuracy: 0.91 },
  trigger: 'manual',
  requestedBy: 'alice',
  createdAt: '2026-01-02T03:00:01.000Z',
};
const bins = { label: { kind: 'categorical', labels: ['negative', 'positive'] } };

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
    GATEWAY_DRIFT_TIMEOUT_MS: '4321',
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [DriftController],
    providers: [
      DriftClient,
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
  { body, token = TOKEN, accept }: { body?: unknown; token?: string | null; accept?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (accept) headers.accept = accept;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json');
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (json ? JSON.parse(text) : undefined) as Record<string, unknown>,
  };
}

describe('admin token', () => {
  it('is required on every route', async () => {
    for (const [method, path] of [
      ['POST', '/api/drift/check'],
      ['GET', '/api/drift/reports'],
      ['GET', `/api/drift/reports/${ID}`],
    ]) {
      const missing = await call(method, path, { token: null, accept: 'text/html' });
      expect([method, path, missing.status]).toEqual([method, path, 401]);
      expect((await call(method, path, { token: 'not-the-token-at-all' })).status).toBe(403);
    }
    expect(requester.sent).toEqual([]);
  });
});

describe('POST /api/drift/check', () => {
  it('checks sentiment by default, as the token, and answers 200 with the report', async () => {
    requester.answer = () => report;
    const res = await call('POST', '/api/drift/check', { body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(report);
    expect(requester.sent).toEqual([
      {
        subject: driftContracts.check.subject,
        payload: { modelName: 'sentiment', actor: 'alice' },
        timeoutMs: 4321,
      },
    ]);
  });

  it("keeps the API's snake_case feature fields", async () => {
    requester.answer = () => report;
    const res = await call('POST', '/api/drift/check', { body: {} });
    expect(res.body).toMatchObject({
      id: ID,
      status: 'drift',
      features: [
        { name: 'score', psi: 0.31, ks_statistic: 0.21, ks_pvalue: 1.2e-9, p_adjusted: 3.6e-9 },
        { name: 'label', ks_statistic: null, chi2_pvalue: 0.19, drifting: false },
      ],
    });
  });

  it('passes the model, version and window on', async () => {
    requester.answer = () => report;
    await call('POST', '/api/drift/check', {
      body: { modelName: 'imdb-small', version: '12', windowMinutes: 90 },
    });
    expect(requester.sent[0].payload).toEqual({
      modelName: 'imdb-small',
      version: '12',
      windowMinutes: 90,
      actor: 'alice',
    });
  });

  it.each([
    [{ actor: 'mallory' }, 'actor'],
    [{ modelName: 'Sentiment' }, 'must be a model name'],
    [{ version: '03' }, 'model version'],
    [{ version: 3 }, 'model version'],
    [{ windowMinutes: 0 }, 'windowMinutes'],
    [{ windowMinutes: 7 * 24 * 60 + 1 }, 'windowMinutes'],
    [{ windowMinutes: '60' }, 'windowMinutes'],
    [{ windowMinutes: 1.5 }, 'windowMinutes'],
    [{ colour: 'blue' }, 'colour'],
  ])('refuses %j', async (body, problem) => {
    const res = await call('POST', '/api/drift/check', { body });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe('GET /api/drift/reports', () => {
  it("lists sentiment's reports by default, leaving the limit to the drift app", async () => {
    requester.answer = () => ({ reports: [report] });
    const res = await call('GET', '/api/drift/reports');
    expect(res).toMatchObject({ status: 200, body: { reports: [report] } });
    expect(requester.sent).toEqual([
      {
        subject: driftContracts.reports.subject,
        payload: { modelName: 'sentiment' },
        timeoutMs: 4321,
      },
    ]);
  });

  it('reads model and limit from the query', async () => {
    requester.answer = () => ({ reports: [] });
    expect((await call('GET', '/api/drift/reports?model=imdb-small&limit=20')).status).toBe(200);
    expect(requester.sent[0].payload).toEqual({ modelName: 'imdb-small', limit: 20 });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['model=Bad_Name', 'model'],
    ['modelName=sentiment', 'modelName'],
  ])('refuses ?%s', async (query, problem) => {
    const res = await call('GET', `/api/drift/reports?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe('GET /api/drift/reports/:id', () => {
  it('answers JSON (report and bins) by default, asking for no html', async () => {
    requester.answer = () => ({ report, bins });
    const res = await call('GET', `/api/drift/reports/${ID}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('vary')).toMatch(/Accept/i);
    expect(res.body).toEqual({ report, bins });
    expect(requester.sent).toEqual([
      { subject: driftContracts.report.subject, payload: { id: ID }, timeoutMs: 4321 },
    ]);
  });

  it.each(['application/json', '*/*', 'application/json, text/html;q=0.5', 'image/png'])(
    'answers JSON for Accept: %s',
    async (accept) => {
      requester.answer = () => ({ report, bins });
      const res = await call('GET', `/api/drift/reports/${ID}`, { accept });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(requester.sent[0].payload).toEqual({ id: ID });
    },
  );

  it.each([
    'text/html',
    'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'application/json;q=0.5, text/html',
  ])('answers the page itself for Accept: %s', async (accept) => {
    requester.answer = () => ({ report, bins, html: PAGE });
    const res = await call('GET', `/api/drift/reports/${ID}`, { accept });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.text).toBe(PAGE);
    expect(requester.sent[0].payload).toEqual({ id: ID, format: 'html' });
  });

  it('adds the page to the JSON with ?format=html', async () => {
    requester.answer = () => ({ report, bins, html: PAGE });
    const res = await call('GET', `/api/drift/reports/${ID}?format=html`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.html).toBe(PAGE);
    expect(requester.sent[0].payload).toEqual({ id: ID, format: 'html' });
  });

  it('is a 500 with an error id, not an empty page, when the drift app sends no html', async () => {
    requester.answer = () => ({ report, bins });
    const res = await call('GET', `/api/drift/reports/${ID}`, { accept: 'text/html' });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: ErrorCode.Internal, errorId: expect.any(String) });
  });

  it.each(['42', `${ID}x`, ID.toUpperCase().replace(/-/g, '')])(
    'refuses the id %s with a 400 naming the parameter',
    async (id) => {
      const res = await call('GET', `/api/drift/reports/${id}`);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain('invalid report id');
      expect((res.body.details as string[])[0]).toMatch(/^id: must be a UUID/);
      expect(requester.sent).toEqual([]);
    },
  );

  it('refuses an unknown format', async () => {
    const res = await call('GET', `/api/drift/reports/${ID}?format=pdf`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain('format');
  });
});

describe("the drift app's errors", () => {
  it.each([
    [ErrorCode.NotFound, 404],
    [ErrorCode.InvalidArgument, 400],
    [ErrorCode.FailedPrecondition, 400],
    [ErrorCode.DeadlineExceeded, 504],
    [ErrorCode.Unavailable, 503],
  ])('%s reaches the client as %i with its message and details', async (code, status) => {
    requester.answer = () => {
      throw new RemoteCallError(code, 'what the drift app said', ['first reason', 'second']);
    };
    const expected = {
      status,
      body: {
        statusCode: status,
        error: code,
        message: 'what the drift app said',
        details: ['first reason', 'second'],
      },
    };
    expect(await call('POST', '/api/drift/check', { body: {} })).toMatchObject(expected);
    expect(await call('GET', '/api/drift/reports')).toMatchObject(expected);
    // A browser asking for the page still gets the error as JSON.
    const page = await call('GET', `/api/drift/reports/${ID}`, { accept: 'text/html' });
    expect(page).toMatchObject(expected);
    expect(page.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('OpenAPI', () => {
  it('documents the routes, the check body and both report media types', () => {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().addBearerAuth().build(),
    );
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/drift/check',
      '/api/drift/reports',
      '/api/drift/reports/{id}',
    ]);
    const schemas = document.components?.schemas as Record<
      string,
      { properties: object; required?: string[] }
    >;
    expect(Object.keys(schemas.DriftCheckBody.properties).sort()).toEqual([
      'modelName',
      'version',
      'windowMinutes',
    ]);
    expect(schemas.DriftCheckBody.required ?? []).toEqual([]);
    const get = document.paths['/api/drift/reports/{id}'].get!;
    expect(Object.keys((get.responses['200'] as { content: object }).content).sort()).toEqual([
      'application/json',
      'text/html',
    ]);
  });
});

describe('DriftModule', () => {
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
      imports: [FakePlatformModule, DriftModule],
    }).compile();
    expect(moduleRef.get(DriftClient)).toBeInstanceOf(DriftClient);
    expect(moduleRef.get(DriftController)).toBeInstanceOf(DriftController);
    await moduleRef.close();
  });
});

describe('GATEWAY_DRIFT_TIMEOUT_MS', () => {
  const tokens = { SENTIMENTOPS_ADMIN_TOKENS: `alice:${TOKEN}` };

  it('defaults to a minute', () => {
    expect(loadConfig(GatewayConfig, tokens).GATEWAY_DRIFT_TIMEOUT_MS).toBe(60_000);
  });

  it.each(['99', '600001', 'soon'])('refuses %s', (value) => {
    expect(() => loadConfig(GatewayConfig, { ...tokens, GATEWAY_DRIFT_TIMEOUT_MS: value })).toThrow(
      /GATEWAY_DRIFT_TIMEOUT_MS/,
    );
  });
});
