import http from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  DEFAULT_RETRY_POLICY,
  MlflowClient,
  type MlflowRetryEvent,
  backoffDelay,
} from './mlflow.client.js';
import { MlflowError, MlflowErrorCode } from './mlflow.error.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer this late (ms), to provoke a client timeout. */
  delayMs?: number;
}

/** An HTTP server that answers with the scripted replies in turn (the last one repeats). */
async function scriptedServer(replies: Reply[]) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)];
      const send = () => {
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(text);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const mlflowError = (code: string, message = 'x') => ({ error_code: code, message });
const modelVersion = { name: 'sentiment', version: '3', source: 'runs:/r/model', run_id: 'r' };

async function failure(promise: Promise<unknown>): Promise<MlflowError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MlflowError);
    return err as MlflowError;
  }
  throw new Error('expected the call to fail');
}

describe('MlflowClient', () => {
  let server: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function client(
    replies: Reply[],
    options: Partial<ConstructorParameters<typeof MlflowClient>[0]> = {},
  ) {
    return scriptedServer(replies).then((started) => {
      server = started;
      return new MlflowClient({ trackingUri: started.url, retry: fast, ...options });
    });
  }

  describe('retries', () => {
    it('retries a 500 and a 429, then returns the answer', async () => {
      const retries: MlflowRetryEvent[] = [];
      const mlflow = await client(
        [
          { status: 500, body: mlflowError('INTERNAL_ERROR') },
          { status: 429, body: mlflowError('REQUEST_LIMIT_EXCEEDED') },
          { status: 200, body: { model_version: modelVersion } },
        ],
        { onRetry: (event) => retries.push(event) },
      );

      const version = await mlflow.getModelVersion('sentiment', '3');

      expect(version.version).toBe('3');
      expect(server!.seen).toHaveLength(3);
      expect(retries.map((r) => [r.attempt, r.reason])).toEqual([
        [1, 'HTTP 500 INTERNAL_ERROR'],
        [2, 'HTTP 429 REQUEST_LIMIT_EXCEEDED'],
      ]);
      expect(retries[0].endpoint).toBe('GET model-versions/get');
    });

    it('gives up after maxAttempts with the last answer as the error', async () => {
      const mlflow = await client([
        { status: 503, body: mlflowError('TEMPORARILY_UNAVAILABLE', 'busy') },
      ]);

      const err = await failure(mlflow.getRegisteredModel('sentiment'));

      expect(server!.seen).toHaveLength(fast.maxAttempts);
      expect(err.errorCode).toBe(MlflowErrorCode.TemporarilyUnavailable);
      expect(err.status).toBe(503);
      expect(err.attempts).toBe(fast.maxAttempts);
      expect(err.message).toContain('busy');
    });

    it('does not retry a 4xx other than 429', async () => {
      const mlflow = await client([
        {
          status: 400,
          body: mlflowError('RESOURCE_ALREADY_EXISTS', 'Registered Model (name=s) already exists.'),
        },
      ]);

      const err = await failure(mlflow.createRegisteredModel('s'));

      expect(server!.seen).toHaveLength(1);
      expect(err.errorCode).toBe(MlflowErrorCode.ResourceAlreadyExists);
      expect(err.status).toBe(400);
      expect(err.endpoint).toBe('POST registered-models/create');
    });

    it('does not repeat a create after an unclear 500, but does after a 503', async () => {
      const mlflow = await client([{ status: 500, body: mlflowError('INTERNAL_ERROR') }]);
      const err = await failure(mlflow.createModelVersion({ name: 's', source: 'gs://b/m' }));
      expect(server!.seen).toHaveLength(1);
      expect(err.errorCode).toBe(MlflowErrorCode.InternalError);
      await server!.close();

      const again = await client([
        { status: 503, body: mlflowError('TEMPORARILY_UNAVAILABLE') },
        { status: 200, body: { model_version: modelVersion } },
      ]);
      await again.createModelVersion({ name: 's', source: 'gs://b/m' });
      expect(server!.seen).toHaveLength(2);
    });

    it('retries a connection that is refused, then reports MLflow unreachable', async () => {
      const port = await closedPort();
      const retries: MlflowRetryEvent[] = [];
      const mlflow = new MlflowClient({
        trackingUri: `http://127.0.0.1:${port}`,
        retry: fast,
        onRetry: (event) => retries.push(event),
      });

      // Refused means the request never arrived: even a create is repeated.
      const err = await failure(mlflow.createModelVersion({ name: 's', source: 'gs://b/m' }));

      expect(err.errorCode).toBe(MlflowErrorCode.Unreachable);
      expect(err.status).toBeUndefined();
      expect(err.attempts).toBe(fast.maxAttempts);
      expect(retries).toHaveLength(fast.maxAttempts - 1);
      expect(err.message).toContain(`127.0.0.1:${port}`);
      expect(err.message).toContain('ECONNREFUSED');
    });

    it('times out a slow answer and retries reads, not creates', async () => {
      const slow: Reply = { status: 200, body: { model_version: modelVersion }, delayMs: 500 };
      const mlflow = await client([slow, { status: 200, body: { model_version: modelVersion } }], {
        timeoutMs: 100,
      });
      await expect(mlflow.getModelVersion('sentiment', '3')).resolves.toMatchObject({
        version: '3',
      });
      expect(server!.seen).toHaveLength(2);
      await server!.close();

      const creating = await client([slow], { timeoutMs: 100 });
      const err = await failure(creating.createModelVersion({ name: 's', source: 'gs://b/m' }));
      expect(err.errorCode).toBe(MlflowErrorCode.Unreachable);
      expect(err.message).toContain('timed out');
      expect(server!.seen).toHaveLength(1);
    });

    it('waits at least Retry-After, within maxDelayMs', async () => {
      const retries: MlflowRetryEvent[] = [];
      const mlflow = await client(
        [
          {
            status: 429,
            body: mlflowError('REQUEST_LIMIT_EXCEEDED'),
            headers: { 'retry-after': '1' },
          },
          { status: 200, body: { registered_model: { name: 's' } } },
        ],
        { retry: { ...fast, maxDelayMs: 50 }, onRetry: (event) => retries.push(event) },
      );
      await mlflow.getRegisteredModel('s');
      expect(retries[0].delayMs).toBe(50);
    });
  });

  describe('errors', () => {
    it('keeps a code it does not know', async () => {
      const mlflow = await client([{ status: 400, body: mlflowError('BAD_REQUEST', 'nope') }]);
      const err = await failure(mlflow.getRegisteredModel('s'));
      expect(err.errorCode).toBe(MlflowErrorCode.Other);
      expect(err.mlflowCode).toBe('BAD_REQUEST');
    });

    it('maps an answer without MLflow JSON by its status', async () => {
      const mlflow = await client([{ status: 401, body: '<html>login</html>' }]);
      expect((await failure(mlflow.getRegisteredModel('s'))).errorCode).toBe(
        MlflowErrorCode.Unauthenticated,
      );
      await server!.close();

      const proxied = await client([{ status: 502, body: '<html>bad gateway</html>' }]);
      const err = await failure(proxied.getRegisteredModel('s'));
      expect(err.errorCode).toBe(MlflowErrorCode.BadResponse);
      expect(err.status).toBe(502);
      expect(server!.seen).toHaveLength(fast.maxAttempts); // a read: retried
    });

    it('answers null for an alias that is not set (MLflow says 400), and fails for a missing model', async () => {
      const mlflow = await client([
        {
          status: 400,
          body: mlflowError(
            'INVALID_PARAMETER_VALUE',
            'Registered model alias champion not found.',
          ),
        },
        {
          status: 404,
          body: mlflowError('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=x not found'),
        },
      ]);
      await expect(mlflow.getModelVersionByAlias('s', 'champion')).resolves.toBeNull();
      const err = await failure(mlflow.getModelVersionByAlias('x', 'champion'));
      expect(err.errorCode).toBe(MlflowErrorCode.ResourceDoesNotExist);
      expect(err.status).toBe(404);
    });
  });

  describe('requests', () => {
    it('sends JSON bodies to writes and query parameters to reads, under a path prefix', async () => {
      const started = await scriptedServer([
        { status: 200, body: { model_version: modelVersion } },
        { status: 200, body: { model_versions: [modelVersion], next_page_token: 'abc' } },
      ]);
      server = started;
      const mlflow = new MlflowClient({ trackingUri: `${started.url}/mlflow/`, retry: fast });

      await mlflow.createModelVersion({
        name: 'sentiment',
        source: 'runs:/r/model',
        runId: 'r',
        tags: { 'sentimentops.version': '3' },
      });
      const page = await mlflow.searchModelVersions({
        filter: "name = 'sentiment'",
        maxResults: 2,
        orderBy: ['version_number DESC', 'name'],
      });

      const [create, search] = started.seen;
      expect(create.method).toBe('POST');
      expect(create.url).toBe('/mlflow/api/2.0/mlflow/model-versions/create');
      expect(create.headers['content-type']).toBe('application/json');
      expect(JSON.parse(create.body)).toEqual({
        name: 'sentiment',
        source: 'runs:/r/model',
        run_id: 'r',
        tags: [{ key: 'sentimentops.version', value: '3' }],
      });
      const query = new URL(search.url, 'http://x');
      expect(query.pathname).toBe('/mlflow/api/2.0/mlflow/model-versions/search');
      expect(query.searchParams.get('filter')).toBe("name = 'sentiment'");
      expect(query.searchParams.get('max_results')).toBe('2');
      expect(query.searchParams.getAll('order_by')).toEqual(['version_number DESC', 'name']);
      expect(query.searchParams.has('page_token')).toBe(false);
      expect(page.nextPageToken).toBe('abc');
      expect(page.modelVersions[0]).toMatchObject({
        version: '3',
        runId: 'r',
        tags: {},
        aliases: [],
      });
    });

    it('follows page tokens to the last page', async () => {
      const mlflow = await client([
        {
          status: 200,
          body: { model_versions: [{ ...modelVersion, version: '1' }], next_page_token: 't1' },
        },
        { status: 200, body: { model_versions: [{ ...modelVersion, version: '2' }] } },
      ]);
      const all = await mlflow.searchAllModelVersions("name = 'sentiment'", 1);
      expect(all.map((v) => v.version)).toEqual(['1', '2']);
      expect(new URL(server!.seen[1].url, 'http://x').searchParams.get('page_token')).toBe('t1');
    });

    it('maps tags and aliases of a registered model', async () => {
      const mlflow = await client([
        {
          status: 200,
          body: {
            registered_model: {
              name: 's',
              tags: [{ key: 'k', value: 'v' }],
              aliases: [{ alias: 'champion', version: '2' }],
            },
          },
        },
      ]);
      await expect(mlflow.getRegisteredModel('s')).resolves.toMatchObject({
        description: '',
        tags: { k: 'v' },
        aliases: { champion: '2' },
      });
    });

    it.each([
      [{ token: 't0k' }, 'Bearer t0k'],
      [{ username: 'ann', password: 'pw' }, `Basic ${Buffer.from('ann:pw').toString('base64')}`],
    ])('authenticates with %o', async (auth, header) => {
      const mlflow = await client([{ status: 200, body: {} }], { auth });
      await mlflow.deleteRegisteredModelAlias('s', 'champion');
      expect(server!.seen[0].headers.authorization).toBe(header);
      expect(server!.seen[0].method).toBe('DELETE');
      expect(JSON.parse(server!.seen[0].body)).toEqual({ name: 's', alias: 'champion' });
    });
  });
});

describe('backoffDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles the ceiling per retry, up to maxDelayMs', () => {
    const top = () => 0.99999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(retry, policy, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('draws uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(4, policy);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(800);
    }
  });
});
