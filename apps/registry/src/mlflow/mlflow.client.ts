// A small typed client over the MLflow REST API 2.0 (model registry part), on Node's global
// fetch. There is no MLflow SDK for Node worth a dependency (the npm packages are unofficial,
// thin and unmaintained), and the registry needs a dozen calls, so we speak REST ourselves.
// Endpoints and their shapes were checked against a real `mlflow server` (3.x; the calls used
// here exist since MLflow 2.3, when aliases came).
import { setTimeout as sleep } from 'node:timers/promises';
import { MlflowError, MlflowErrorCode, describeNetworkError } from './mlflow.error.js';

export interface MlflowRetryPolicy {
  /** Requests per call, the first included. */
  maxAttempts: number;
  /** The first retry waits up to this long; each next one up to twice as long ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: MlflowRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
};

export type MlflowAuth = { token: string } | { username: string; password: string };

export interface MlflowRetryEvent {
  endpoint: string;
  /** The attempt that failed (1 = the first request). */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface MlflowClientOptions {
  /** e.g. http://127.0.0.1:5000 (MLFLOW_TRACKING_URI); a path prefix behind a proxy is kept. */
  trackingUri: string;
  /** Per request, the answer's body included. */
  timeoutMs?: number;
  retry?: Partial<MlflowRetryPolicy>;
  /** MLFLOW_TRACKING_TOKEN (bearer) or MLFLOW_TRACKING_USERNAME/PASSWORD (basic). */
  auth?: MlflowAuth;
  /** Told before each retry, e.g. to log it. */
  onRetry?: (event: MlflowRetryEvent) => void;
  /** Source of jitter in [0, 1); replaced in tests. */
  random?: () => number;
}

export interface MlflowRegisteredModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  /** alias -> MLflow version */
  aliases: Record<string, string>;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  source: string;
  runId: string | null;
  description: string;
  tags: Record<string, string>;
  /** Only filled by the calls that return them (get, get-by-alias); search leaves them out. */
  aliases: string[];
  status: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
}

export interface CreateModelVersionInput {
  name: string;
  source: string;
  runId?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface SearchModelVersionsInput {
  /** MLflow's filter syntax, e.g. `name = 'sentiment' and tags.\`k\` = 'v'`. */
  filter?: string;
  maxResults?: number;
  pageToken?: string;
  orderBy?: string[];
}

// ---- wire shapes (snake_case, tags as lists; empty fields are left out) --------------------------

interface WireTag {
  key: string;
  value: string;
}

interface WireRegisteredModel {
  name: string;
  description?: string;
  tags?: WireTag[];
  aliases?: { alias: string; version: string }[];
  creation_timestamp?: number;
  last_updated_timestamp?: number;
}

interface WireModelVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  description?: string;
  tags?: WireTag[];
  aliases?: string[];
  status?: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
}

const toTags = (tags: WireTag[] = []) => Object.fromEntries(tags.map((t) => [t.key, t.value]));
const fromTags = (tags: Record<string, string> = {}) =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

function toRegisteredModel(wire: WireRegisteredModel): MlflowRegisteredModel {
  return {
    name: wire.name,
    description: wire.description ?? '',
    tags: toTags(wire.tags),
    aliases: Object.fromEntries((wire.aliases ?? []).map((a) => [a.alias, a.version])),
    creationTimestamp: wire.creation_timestamp ?? 0,
    lastUpdatedTimestamp: wire.last_updated_timestamp ?? 0,
  };
}

function toModelVersion(wire: WireModelVersion): MlflowModelVersion {
  return {
    name: wire.name,
    version: wire.version,
    source: wire.source ?? '',
    runId: wire.run_id || null,
    description: wire.description ?? '',
    tags: toTags(wire.tags),
    aliases: wire.aliases ?? [],
    status: wire.status ?? '',
    creationTimestamp: wire.creation_timestamp ?? 0,
    lastUpdatedTimestamp: wire.last_updated_timestamp ?? 0,
  };
}

// ---- retries ------------------------------------------------------------------------------------

/** The wait before retry number `retry` (1 = the first retry): uniform in [0, base * 2^(retry-1)], capped. */
export function backoffDelay(
  retry: number,
  policy: MlflowRetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Seconds in a Retry-After header (429/503), as ms; an HTTP date or nothing gives undefined. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

// Failures where the request cannot have reached MLflow: safe to repeat even a create.
const NOT_DELIVERED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function notDelivered(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code !== undefined && NOT_DELIVERED.has(code);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Call {
  method: Method;
  endpoint: string;
  /** Query parameters for GET, the JSON body otherwise. */
  params: Record<string, unknown>;
  /**
   * Whether repeating the call after an unclear outcome (timeout, reset, 5xx from a proxy) is
   * harmless. A create is not: the first request may have created what the second creates again.
   * Those are retried only where MLflow surely did nothing: not connected, 429 or 503.
   */
  idempotent: boolean;
}

export class MlflowClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly policy: MlflowRetryPolicy;
  private readonly authorization: string | undefined;
  private readonly random: () => number;

  constructor(private readonly options: MlflowClientOptions) {
    this.baseUrl = `${options.trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow/`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (this.policy.maxAttempts < 1) throw new Error('retry.maxAttempts must be at least 1');
    this.random = options.random ?? Math.random;
    const auth = options.auth;
    this.authorization = !auth
      ? undefined
      : 'token' in auth
        ? `Bearer ${auth.token}`
        : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }

  get trackingUri(): string {
    return this.options.trackingUri;
  }

  // ---- registered models ------------------------------------------------------------------------

  async createRegisteredModel(
    name: string,
    init: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<MlflowRegisteredModel> {
    const params = { name, description: init.description, tags: fromTags(init.tags) };
    const body = await this.call<{ registered_model: WireRegisteredModel }>({
      method: 'POST',
      endpoint: 'registered-models/create',
      params,
      idempotent: false,
    });
    return toRegisteredModel(body.registered_model);
  }

  async getRegisteredModel(name: string): Promise<MlflowRegisteredModel> {
    const body = await this.read<{ registered_model: WireRegisteredModel }>(
      'registered-models/get',
      { name },
    );
    return toRegisteredModel(body.registered_model);
  }

  async updateRegisteredModel(name: string, description: string): Promise<void> {
    await this.write('PATCH', 'registered-models/update', { name, description });
  }

  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.write('POST', 'registered-models/set-tag', { name, key, value });
  }

  /** Succeeds when the tag is not there. */
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.write('DELETE', 'registered-models/delete-tag', { name, key });
  }

  // ---- model versions ---------------------------------------------------------------------------

  async createModelVersion(input: CreateModelVersionInput): Promise<MlflowModelVersion> {
    const params = {
      name: input.name,
      source: input.source,
      run_id: input.runId,
      description: input.description,
      tags: fromTags(input.tags),
    };
    const body = await this.call<{ model_version: WireModelVersion }>({
      method: 'POST',
      endpoint: 'model-versions/create',
      params,
      idempotent: false,
    });
    return toModelVersion(body.model_version);
  }

  async getModelVersion(name: string, version: string): Promise<MlflowModelVersion> {
    const body = await this.read<{ model_version: WireModelVersion }>('model-versions/get', {
      name,
      version,
    });
    return toModelVersion(body.model_version);
  }

  /** One page; `nextPageToken` is undefined on the last. */
  async searchModelVersions(
    input: SearchModelVersionsInput = {},
  ): Promise<{ modelVersions: MlflowModelVersion[]; nextPageToken?: string }> {
    const body = await this.read<{ model_versions?: WireModelVersion[]; next_page_token?: string }>(
      'model-versions/search',
      {
        filter: input.filter,
        max_results: input.maxResults,
        page_token: input.pageToken,
        order_by: input.orderBy,
      },
    );
    return {
      modelVersions: (body.model_versions ?? []).map(toModelVersion),
      nextPageToken: body.next_page_token || undefined,
    };
  }

  /** Every page of a search. */
  async searchAllModelVersions(filter: string, pageSize = 200): Promise<MlflowModelVersion[]> {
    const all: MlflowModelVersion[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.searchModelVersions({ filter, maxResults: pageSize, pageToken });
      all.push(...page.modelVersions);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return all;
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<void> {
    await this.write('PATCH', 'model-versions/update', { name, version, description });
  }

  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string,
  ): Promise<void> {
    await this.write('POST', 'model-versions/set-tag', { name, version, key, value });
  }

  /** Succeeds when the tag is not there. */
  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.write('DELETE', 'model-versions/delete-tag', { name, version, key });
  }

  // ---- aliases ----------------------------------------------------------------------------------

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.write('POST', 'registered-models/alias', { name, alias, version });
  }

  /** Succeeds when the alias is not there. */
  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.write('DELETE', 'registered-models/alias', { name, alias });
  }

  /** The version an alias points at; null when the alias is not set. */
  async getModelVersionByAlias(name: string, alias: string): Promise<MlflowModelVersion | null> {
    try {
      const body = await this.read<{ model_version: WireModelVersion }>('registered-models/alias', {
        name,
        alias,
      });
      return toModelVersion(body.model_version);
    } catch (err) {
      // MLflow answers a missing alias with 400 INVALID_PARAMETER_VALUE ("alias ... not found"),
      // not with RESOURCE_DOES_NOT_EXIST; a missing model is a 404 and stays an error.
      if (
        err instanceof MlflowError &&
        err.errorCode === MlflowErrorCode.InvalidParameterValue &&
        /alias .* not found/i.test(err.message)
      ) {
        return null;
      }
      throw err;
    }
  }

  // ---- transport --------------------------------------------------------------------------------

  private read<T>(endpoint: string, params: Record<string, unknown>): Promise<T> {
    return this.call<T>({ method: 'GET', endpoint, params, idempotent: true });
  }

  private async write(method: Method, endpoint: string, params: Record<string, unknown>) {
    await this.call<unknown>({ method, endpoint, params, idempotent: true });
  }

  private async call<T>(call: Call): Promise<T> {
    const label = `${call.method} ${call.endpoint}`;
    const { url, init } = this.request(call);
    for (let attempt = 1; ; attempt++) {
      let retryReason: string;
      let minDelayMs = 0;
      try {
        const response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
        const text = await response.text();
        const body = parseJson(text);
        if (response.ok) return (body ?? {}) as T;
        const error = MlflowError.fromResponse(label, response.status, body, attempt);
        const retryable =
          response.status === 429 ||
          response.status === 503 ||
          (call.idempotent && response.status >= 500);
        if (!retryable || attempt >= this.policy.maxAttempts) throw error;
        retryReason = `HTTP ${response.status} ${error.mlflowCode}`;
        minDelayMs = retryAfterMs(response) ?? 0;
      } catch (err) {
        if (err instanceof MlflowError) throw err;
        const retryable = call.idempotent || notDelivered(err);
        if (!retryable || attempt >= this.policy.maxAttempts) {
          throw MlflowError.unreachable(label, url, err, attempt);
        }
        retryReason = describeNetworkError(err);
      }
      const delayMs = Math.min(
        this.policy.maxDelayMs,
        Math.max(minDelayMs, backoffDelay(attempt, this.policy, this.random)),
      );
      this.options.onRetry?.({ endpoint: label, attempt, delayMs, reason: retryReason });
      await sleep(delayMs);
    }
  }

  private request(call: Call): { url: string; init: RequestInit } {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization) headers.authorization = this.authorization;
    const url = new URL(call.endpoint, this.baseUrl);
    if (call.method === 'GET') {
      for (const [key, value] of Object.entries(call.params)) {
        if (value === undefined) continue;
        for (const item of Array.isArray(value) ? value : [value]) {
          url.searchParams.append(key, String(item));
        }
      }
      return { url: url.href, init: { method: 'GET', headers } };
    }
    // MLflow refuses a JSON body without this content type (400 INVALID_PARAMETER_VALUE).
    headers['content-type'] = 'application/json';
    return {
      url: url.href,
      init: { method: call.method, headers, body: JSON.stringify(call.params) },
    };
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
