import { ExitCode } from '../exit-codes.js';
import { sendJson, startTestServer, type TestServer, unusedPort } from '../testing/cli.testing.js';
import { GatewayClient } from './gateway.client.js';
import { GatewayError } from './gateway.error.js';

describe('GatewayClient', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer((request, response) => {
      switch (request.url) {
        case '/ok':
          return sendJson(response, 200, { hello: 'world', auth: request.headers.authorization });
        case '/echo':
          return sendJson(response, 201, { got: JSON.parse(request.body) as unknown });
        case '/unauthorized':
          return sendJson(response, 401, { statusCode: 401, message: 'invalid admin token' });
        case '/forbidden':
          return sendJson(response, 403, { statusCode: 403, message: 'Forbidden' });
        case '/boom':
          return sendJson(response, 500, {
            statusCode: 500,
            message: 'registry did not answer',
            error: 'Internal Server Error',
            errorId: 'err-42',
          });
        case '/invalid':
          return sendJson(response, 400, {
            statusCode: 400,
            message: ['text must be a string', 'text should not be empty'],
            error: 'Bad Request',
          });
        case '/proxy':
          response.writeHead(502, { 'content-type': 'text/html' });
          return response.end('<html>bad gateway</html>');
        case '/not-json':
          response.writeHead(200, { 'content-type': 'text/plain' });
          return response.end('hello');
        case '/not-ready':
          return sendJson(response, 503, { status: 'error' });
        case '/hang':
          return; // never answers
        default:
          return sendJson(response, 404, { statusCode: 404, message: `no route ${request.url}` });
      }
    });
  });

  afterAll(() => server.close());

  const client = (overrides: Partial<ConstructorParameters<typeof GatewayClient>[0]> = {}) =>
    new GatewayClient({
      baseUrl: server.url,
      token: 'tok-123',
      tokenSource: 'env SENTIMENTOPS_ADMIN_TOKEN',
      timeoutMs: 2_000,
      ...overrides,
    });

  /** The GatewayError a call rejects with (fails the test if it resolves). */
  const failure = async (call: Promise<unknown>): Promise<GatewayError> => {
    const error: unknown = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  };

  it('sends the bearer token and parses JSON', async () => {
    await expect(client().get('/ok')).resolves.toEqual({
      hello: 'world',
      auth: 'Bearer tok-123',
    });
  });

  it('leaves the token off requests marked public', async () => {
    await expect(client().get('/ok', { auth: false })).resolves.toEqual({ hello: 'world' });
  });

  it('posts a JSON body', async () => {
    await expect(client().post('/echo', { text: 'great movie' })).resolves.toEqual({
      got: { text: 'great movie' },
    });
    const last = server.requests[server.requests.length - 1];
    expect(last.headers['content-type']).toBe('application/json');
  });

  it('maps 401 to an auth failure that names the token source, not the token', async () => {
    const error = await failure(client().get('/unauthorized'));
    expect(error.exitCode).toBe(ExitCode.Auth);
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(
      /^admin token rejected \(HTTP 401 Unauthorized: invalid admin token/,
    );
    expect(error.message).toContain('env SENTIMENTOPS_ADMIN_TOKEN');
    expect(error.message).not.toContain('tok-123');
  });

  it('maps 403 to an auth failure too', async () => {
    const error = await failure(client().get('/forbidden'));
    expect(error).toMatchObject({ exitCode: ExitCode.Auth, status: 403 });
  });

  it('says the token is missing when none was sent', async () => {
    const error = await failure(client({ token: undefined }).get('/unauthorized'));
    expect(error.exitCode).toBe(ExitCode.Auth);
    expect(error.message).toMatch(/^admin token missing/);
  });

  it("reports the server's message and error id for other failures", async () => {
    const error = await failure(client().get('/boom'));
    expect(error).toMatchObject({
      exitCode: ExitCode.Failed,
      kind: 'http',
      status: 500,
      errorId: 'err-42',
      message: 'registry did not answer (HTTP 500 Internal Server Error, error id err-42)',
    });
  });

  it('joins validation messages', async () => {
    const error = await failure(client().post('/invalid', {}));
    expect(error.message).toBe(
      'text must be a string; text should not be empty (HTTP 400 Bad Request)',
    );
  });

  it('quotes a non-JSON error body', async () => {
    const error = await failure(client().get('/proxy'));
    expect(error.message).toBe(
      'GET /proxy failed (HTTP 502 Bad Gateway): <html>bad gateway</html>',
    );
  });

  it('rejects a 2xx body that is not JSON', async () => {
    const error = await failure(client().get('/not-json'));
    expect(error).toMatchObject({ kind: 'protocol', exitCode: ExitCode.Failed });
  });

  it('returns accepted non-2xx statuses as answers', async () => {
    await expect(client().request('GET', '/not-ready', { acceptStatus: [503] })).resolves.toEqual({
      status: 503,
      body: { status: 'error' },
    });
    await expect(client().get('/not-ready')).rejects.toMatchObject({ status: 503 });
  });

  it('reports a refused connection as an unreachable gateway', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const error = await failure(client({ baseUrl: url }).get('/ok'));
    expect(error).toMatchObject({ kind: 'unreachable', exitCode: ExitCode.Unreachable });
    expect(error.message).toBe(
      `gateway not reachable at ${url} (is the platform running? try \`make up\`): ECONNREFUSED`,
    );
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 200 }).get('/hang'));
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(error).toMatchObject({ kind: 'timeout', exitCode: ExitCode.Unreachable });
    expect(error.message).toContain('did not answer within 200 ms');
  });
});
