/**
 * The one way the CLI talks to the gateway: JSON over fetch, bearer auth on the admin API, a
 * timeout on every call, and every failure turned into a GatewayError whose message a user can act
 * on. Response bodies come back as `unknown`: callers parse them defensively (see platform/).
 */
import { GatewayError } from './gateway.error.js';

export interface GatewayClientOptions {
  /** Absolute base URL without a trailing slash, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  token?: string;
  /** Where the token came from, e.g. "env SENTIMENTOPS_ADMIN_TOKEN"; only used in auth errors. */
  tokenSource?: string;
  timeoutMs: number;
  userAgent?: string;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  /** Send the admin token (default true). Health and metrics endpoints are public. */
  auth?: boolean;
  /** JSON request body. */
  body?: unknown;
  /** Non-2xx statuses that are answers rather than failures, e.g. 503 from a readiness probe. */
  acceptStatus?: readonly number[];
  timeoutMs?: number;
}

export interface GatewayResponse {
  status: number;
  body: unknown;
}

/** The error body of the platform's HTTP exception filter. */
interface ServerErrorBody {
  statusCode?: unknown;
  message?: unknown;
  error?: unknown;
  errorId?: unknown;
}

/** Socket-level failures that mean "nothing is answering at that address". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class GatewayClient {
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: GatewayClientOptions) {
    this.fetchFn = options.fetch ?? globalThis.fetch;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** GET and return the parsed JSON body of a 2xx answer. */
  async get(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<unknown> {
    return (await this.request('GET', path, options)).body;
  }

  async post(path: string, body: unknown, options: RequestOptions = {}): Promise<unknown> {
    return (await this.request('POST', path, { ...options, body })).body;
  }

  async request(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<GatewayResponse> {
    const url = `${this.options.baseUrl}${path.startsWith('/') ? path : `/${path}`}`;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    const sendsToken = options.auth !== false && this.options.token !== undefined;
    if (sendsToken) headers.authorization = `Bearer ${this.options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let statusText: string;
    let text: string;
    try {
      // One signal for the whole exchange: a gateway that sends headers and then stalls the body
      // times out as well.
      const response = await this.fetchFn(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      statusText = response.statusText;
      text = await response.text();
    } catch (error) {
      throw this.networkError(error, timeoutMs);
    }

    const ok = (status >= 200 && status < 300) || (options.acceptStatus ?? []).includes(status);
    if (!ok) throw this.httpError(method, path, status, statusText, text, sendsToken);
    return { status, body: parseBody(text, `${method} ${path}`, status) };
  }

  private networkError(error: unknown, timeoutMs: number): GatewayError {
    const base = this.options.baseUrl;
    if (isNamed(error, 'TimeoutError')) {
      return new GatewayError(
        `gateway at ${base} did not answer within ${timeoutMs} ms (is it overloaded? raise --timeout)`,
        'timeout',
      );
    }
    const code = socketErrorCode(error);
    if (code === undefined || UNREACHABLE_CODES.has(code)) {
      // Without a code, the innermost cause says why (e.g. fetch's "bad port" for blocked ports).
      const why =
        code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'unknown host' : (code ?? rootCause(error));
      return new GatewayError(
        `gateway not reachable at ${base} (is the platform running? try \`make up\`)${why ? `: ${why}` : ''}`,
        'unreachable',
      );
    }
    return new GatewayError(`request to gateway at ${base} failed: ${code}`, 'unreachable');
  }

  private httpError(
    method: string,
    path: string,
    status: number,
    statusText: string,
    text: string,
    sentToken: boolean,
  ): GatewayError {
    const server = serverError(text);
    const httpStatus = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
    if (status === 401 || status === 403) {
      const detail = [httpStatus, server?.message].filter(Boolean).join(': ');
      const message = sentToken
        ? `admin token rejected (${detail}; token from ${this.options.tokenSource ?? 'unknown source'})`
        : `admin token missing (${detail}): pass --token, set SENTIMENTOPS_ADMIN_TOKEN, or run \`make up\` to generate .sentimentops/admin-token`;
      return new GatewayError(message, 'auth', status, server?.errorId);
    }
    const suffix = [httpStatus, server?.errorId && `error id ${server.errorId}`]
      .filter(Boolean)
      .join(', ');
    const message = server?.message
      ? `${server.message} (${suffix})`
      : `${method} ${path} failed (${suffix})${text.trim() ? `: ${snippet(text)}` : ''}`;
    return new GatewayError(message, 'http', status, server?.errorId);
  }
}

function parseBody(text: string, what: string, status: number): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError(
      `${what} returned a body that is not JSON (HTTP ${status}): ${snippet(text)}`,
      'protocol',
      status,
    );
  }
}

/** `{statusCode, message, error, errorId?}` read defensively; undefined when the body is not that. */
function serverError(text: string): { message?: string; errorId?: string } | undefined {
  let body: ServerErrorBody;
  try {
    body = JSON.parse(text) as ServerErrorBody;
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  // class-validator failures arrive as a list of messages.
  const messages = Array.isArray(body.message)
    ? body.message.filter((m): m is string => typeof m === 'string')
    : typeof body.message === 'string'
      ? [body.message]
      : typeof body.error === 'string'
        ? [body.error]
        : [];
  return {
    message: messages.length > 0 ? messages.join('; ') : undefined,
    errorId: typeof body.errorId === 'string' ? body.errorId : undefined,
  };
}

function isNamed(error: unknown, name: string): boolean {
  // By name, not instanceof: DOMException and TypeError may come from another realm (e.g. Jest).
  return typeof error === 'object' && error !== null && 'name' in error && error.name === name;
}

/** undici wraps socket errors: TypeError('fetch failed', { cause }), cause maybe an AggregateError. */
function socketErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if ('code' in current && typeof current.code === 'string') return current.code;
    if ('cause' in current) queue.push(current.cause);
    if ('errors' in current && Array.isArray(current.errors))
      for (const inner of current.errors as unknown[]) queue.push(inner);
  }
  return undefined;
}

/** The message at the end of the `cause` chain, unless that is just fetch's "fetch failed". */
function rootCause(error: unknown): string | undefined {
  let current = error;
  while (typeof current === 'object' && current !== null && 'cause' in current && current.cause) {
    current = current.cause;
  }
  const message = current instanceof Error ? current.message : undefined;
  return message && message !== 'fetch failed' ? message : undefined;
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}
