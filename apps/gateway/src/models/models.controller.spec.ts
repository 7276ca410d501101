import { Global, type INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig } from '@sentimentops/config';
import { ErrorCode, registryContracts, type RequestContract } from '@sentimentops/contracts';
import { EventConsumers, NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { ExceptionsFilter, strictValidation } from '@sentimentops/service-kit';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { GatewayConfig } from '../gateway.config.js';
import { DatasetsController } from './datasets.controller.js';
import { ModelsController } from './models.controller.js';
import { ModelsModule } from './models.module.js';
import { RegistryClient } from './registry.client.js';

// The admin routes over real HTTP (guard, validation, exception filter as main.ts sets them up),
// with a stand-in for NATS that records each request and answers what a test tells it to.
const TOKEN = 'alice-token-0123456789abcdef';
const SHA = 'a'.repeat(64);

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
    return Promise.resolve().then(() => this.answer(sent) as Res);
  }
}

const requester = new FakeRequester();
let app: INestApplication;
let url: string;

beforeAll(async () => {
  const config = loadConfig(GatewayConfig, {
    SENTIMENTOPS_ADMIN_TOKENS: `alice:${TOKEN}`,
    GATEWAY_REGISTRY_TIMEOUT_MS: '1234',
  });
  const moduleRef = await Test.createTestingModule({
    controllers: [ModelsController, DatasetsController],
    providers: [
      RegistryClient,
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

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('admin token', () => {
  it('is required on every route', async () => {
    for (const [method, path] of [
      ['GET', '/api/models/sentiment/versions'],
      ['POST', '/api/models/sentiment/versions'],
      ['GET', '/api/models/sentiment/versions/3'],
      ['GET', '/api/models/sentiment/versions/3/lineage'],
      ['GET', '/api/models/sentiment/aliases'],
      ['PUT', '/api/models/sentiment/aliases/challenger'],
      ['GET', `/api/datasets/${SHA}/lineage`],
    ]) {
      expect([method, path, (await call(method, path, undefined, null)).status]).toEqual([
        method,
        path,
        401,
      ]);
      expect((await call(method, path, undefined, 'not-the-token-at-all')).status).toBe(403);
    }
    expect(requester.sent).toEqual([]);
  });
});

describe('reads', () => {
  it('asks the registry on its subject, with the registry timeout, and returns its reply', async () => {
    requester.answer = () => ({ versions: [{ version: '3' }] });
    const res = await call('GET', '/api/models/sentiment/versions');
    expect(res).toEqual({ status: 200, body: { versions: [{ version: '3' }] } });
    expect(requester.sent).toEqual([
      {
        subject: registryContracts.listVersions.subject,
        payload: { modelName: 'sentiment' },
        timeoutMs: 1234,
      },
    ]);
  });

  it.each([
    ['/api/models/sentiment/versions/12', registryContracts.getVersion, { version: '12' }],
    [
      '/api/models/sentiment/versions/12/lineage',
      registryContracts.versionLineage,
      { version: '12' },
    ],
    ['/api/models/sentiment/aliases', registryContracts.listAliases, {}],
  ])('GET %s', async (path, contract, extra) => {
    expect((await call('GET', path)).status).toBe(200);
    expect(requester.sent).toEqual([
      {
        subject: contract.subject,
        payload: { modelName: 'sentiment', ...extra },
        timeoutMs: 1234,
      },
    ]);
  });

  it('follows a dataset to its versions', async () => {
    expect((await call('GET', `/api/datasets/${SHA}/lineage`)).status).toBe(200);
    expect(requester.sent).toEqual([
      {
        subject: registryContracts.datasetLineage.subject,
        payload: { contentSha256: SHA },
        timeoutMs: 1234,
      },
    ]);
  });
});

describe('path parameters', () => {
  it.each([
    ['/api/models/Sentiment/versions', 'invalid model name "Sentiment"', 'name: '],
    ['/api/models/sentiment/versions/03', 'invalid model version "03"', 'version: '],
    ['/api/models/sentiment/versions/v3/lineage', 'invalid model version "v3"', 'version: '],
    [`/api/datasets/${SHA.toUpperCase()}/lineage`, 'invalid dataset sha256', 'sha256: '],
    ['/api/datasets/abc/lineage', 'invalid dataset sha256 "abc"', 'sha256: '],
  ])('refuses %s with a 400 naming the parameter', async (path, message, detail) => {
    const res = await call('GET', path);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(ErrorCode.InvalidArgument);
    expect(res.body.message).toContain(message);
    expect((res.body.details as string[])[0]).toMatch(new RegExp(`^${detail}must be`));
    expect(requester.sent).toEqual([]);
  });

  it('refuses an alias that is not one of the three', async () => {
    const res = await call('PUT', '/api/models/sentiment/aliases/staging', {
      version: '3',
      reason: 'because',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      message: 'invalid alias "staging"',
      details: ['alias: must be one of champion, challenger, previous'],
    });
    expect(requester.sent).toEqual([]);
  });
});

describe('POST /api/models/:name/versions', () => {
  const artifactUri = 'gs://models/sentiment/run-1';

  it('registers as the token, 201 when created', async () => {
    requester.answer = () => ({ version: { version: '4' }, created: true });
    const res = await call('POST', '/api/models/sentiment/versions', {
      artifactUri,
      jobId: 'train-42',
    });
    expect(res).toEqual({ status: 201, body: { version: { version: '4' }, created: true } });
    expect(requester.sent).toEqual([
      {
        subject: registryContracts.registerVersion.subject,
        payload: { artifactUri, jobId: 'train-42', modelName: 'sentiment', actor: 'alice' },
        timeoutMs: 1234,
      },
    ]);
  });

  it('answers 200 when the artifact was registered before', async () => {
    requester.answer = () => ({ version: { version: '2' }, created: false });
    const res = await call('POST', '/api/models/sentiment/versions', { artifactUri });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(false);
  });

  it.each([
    [{}, 'artifactUri'],
    [{ artifactUri, actor: 'mallory' }, 'actor'],
    [{ artifactUri, modelName: 'other' }, 'modelName'],
    [{ artifactUri, colour: 'blue' }, 'colour'],
    [{ artifactUri: '' }, 'artifactUri'],
  ])('refuses %j', async (body, field) => {
    const res = await call('POST', '/api/models/sentiment/versions', body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(field);
    expect(requester.sent).toEqual([]);
  });
});

describe('PUT /api/models/:name/aliases/:alias', () => {
  it('sends the token as the actor and admin as the source', async () => {
    requester.answer = () => ({ alias: { alias: 'challenger', version: '4' }, previousVersion: null });
    const res = await call('PUT', '/api/models/sentiment/aliases/challenger', {
      version: '4',
      reason: 'beats v3 on handwritten',
      expectedRevision: 7,
    });
    expect(res.status).toBe(200);
    expect(requester.sent[0]).toEqual({
      subject: registryContracts.setAlias.subject,
      payload: {
        version: '4',
        reason: 'beats v3 on handwritten',
        expectedRevision: 7,
        modelName: 'sentiment',
        alias: 'challenger',
        actor: 'alice',
        source: 'admin',
      },
      timeoutMs: 1234,
    });
  });

  it('removes with version null, and passes override on', async () => {
    await call('PUT', '/api/models/sentiment/aliases/challenger', {
      version: null,
      reason: 'withdrawn',
    });
    await call('PUT', '/api/models/sentiment/aliases/champion', {
      version: '2',
      reason: 'roll back by hand',
      override: true,
    });
    expect(requester.sent.map((s) => s.payload)).toMatchObject([
      { alias: 'challenger', version: null },
      { alias: 'champion', version: '2', override: true, source: 'admin' },
    ]);
  });

  it.each([
    [{ version: '4', reason: 'ok then', source: 'rollout' }, 'source'],
    [{ version: '4', reason: 'ok then', actor: 'rollout' }, 'actor'],
    [{ version: '4', reason: 'ok then', alias: 'champion' }, 'alias'],
    [{ reason: 'no version given' }, 'model version'],
    [{ version: '4' }, 'reason'],
    [{ version: '4', reason: 'no' }, 'reason'],
    [{ version: 4, reason: 'a number' }, 'model version'],
    [{ version: '4', reason: 'ok then', expectedRevision: -1 }, 'expectedRevision'],
    [{ version: '4', reason: 'ok then', override: 'yes' }, 'override'],
  ])('refuses %j', async (body, problem) => {
    const res = await call('PUT', '/api/models/sentiment/aliases/challenger', body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.details)).toContain(problem);
    expect(requester.sent).toEqual([]);
  });
});

describe("the registry's errors", () => {
  it.each([
    [ErrorCode.NotFound, 404],
    [ErrorCode.Conflict, 409],
    [ErrorCode.Unprocessable, 422],
    [ErrorCode.FailedPrecondition, 400],
    [ErrorCode.InvalidArgument, 400],
    [ErrorCode.DeadlineExceeded, 504],
    [ErrorCode.Unavailable, 503],
  ])('%s reaches the client as %i with its message and details', async (code, status) => {
    requester.answer = () => {
      throw new RemoteCallError(code, 'what the registry said', ['first reason', 'second']);
    };
    const res = await call('PUT', '/api/models/sentiment/aliases/challenger', {
      version: '4',
      reason: 'promote it',
    });
    expect(res).toEqual({
      status,
      body: {
        statusCode: status,
        error: code,
        message: 'what the registry said',
        details: ['first reason', 'second'],
      },
    });
  });
});

describe('OpenAPI', () => {
  it('documents the routes and the request bodies', () => {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().addBearerAuth().build(),
    );
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/datasets/{sha256}/lineage',
      '/api/models/{name}/aliases',
      '/api/models/{name}/aliases/{alias}',
      '/api/models/{name}/versions',
      '/api/models/{name}/versions/{version}',
      '/api/models/{name}/versions/{version}/lineage',
    ]);
    const schemas = document.components?.schemas as Record<
      string,
      { properties: object; required?: string[] }
    >;
    expect(Object.keys(schemas.RegisterVersionBody.properties).sort()).toEqual([
      'artifactUri',
      'datasetUri',
      'jobId',
      'validationReportUri',
    ]);
    expect(Object.keys(schemas.SetAliasBody.properties).sort()).toEqual([
      'expectedRevision',
      'override',
      'reason',
      'version',
    ]);
    expect(schemas.SetAliasBody.required?.sort()).toEqual(['reason', 'version']);
  });
});

describe('ModelsModule', () => {
  it('resolves with what the platform provides globally (config, NATS)', async () => {
    @Global()
    @Module({
      providers: [
        { provide: GatewayConfig, useValue: new GatewayConfig() },
        { provide: NatsRequester, useValue: requester },
        { provide: EventConsumers, useValue: { register: () => undefined } },
      ],
      exports: [GatewayConfig, NatsRequester, EventConsumers],
    })
    class FakePlatformModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [FakePlatformModule, ModelsModule],
    }).compile();
    expect(moduleRef.get(RegistryClient)).toBeInstanceOf(RegistryClient);
    expect(moduleRef.get(ModelsController)).toBeInstanceOf(ModelsController);
    await moduleRef.close();
  });
});
