/**
 * The admin API's registry routes, for the `models` commands. Besides the client's own handling
 * (auth, timeouts, unreachable gateway), a refusal keeps what the registry said: its message and
 * each of its `details` (a promotion gate's reasons, a model card's problems).
 */
import { type GatewayClient } from '../http/gateway.client.js';
import { GatewayError } from '../http/gateway.error.js';
import {
  type DatasetLineageReply,
  type ListAliasesReply,
  type ListVersionsReply,
  type ModelAlias,
  type ModelVersionDetail,
  type RegisterVersionBody,
  type RegisterVersionReply,
  type SetAliasBody,
  type SetAliasReply,
  type VersionLineageReply,
} from './models.types.js';

export const DEFAULT_MODEL = 'sentiment';

export const MODELS_PATHS = {
  versions: (model: string) => `/api/models/${encodeURIComponent(model)}/versions`,
  version: (model: string, version: string) =>
    `${MODELS_PATHS.versions(model)}/${encodeURIComponent(version)}`,
  lineage: (model: string, version: string) => `${MODELS_PATHS.version(model, version)}/lineage`,
  aliases: (model: string) => `/api/models/${encodeURIComponent(model)}/aliases`,
  alias: (model: string, alias: string) =>
    `${MODELS_PATHS.aliases(model)}/${encodeURIComponent(alias)}`,
  datasetLineage: (sha256: string) => `/api/datasets/${encodeURIComponent(sha256)}/lineage`,
} as const;

/**
 * Error statuses read here rather than by the client, which would keep only the message.
 * 401 and 403 stay with the client: they are "check your token" (exit 4), whatever the route.
 */
const REFUSALS: readonly number[] = Array.from({ length: 200 }, (_, i) => 400 + i).filter(
  (status) => status !== 401 && status !== 403,
);

export class ModelsApi {
  constructor(
    private readonly client: GatewayClient,
    readonly model: string,
  ) {}

  async listVersions(): Promise<ListVersionsReply> {
    return expectList(await this.call('GET', MODELS_PATHS.versions(this.model)), 'versions');
  }

  async getVersion(version: string): Promise<ModelVersionDetail> {
    return expectObject(await this.call('GET', MODELS_PATHS.version(this.model, version)), [
      'version',
    ]);
  }

  async versionLineage(version: string): Promise<VersionLineageReply> {
    return expectObject(await this.call('GET', MODELS_PATHS.lineage(this.model, version)), [
      'version',
      'dataset',
      'run',
    ]);
  }

  async datasetLineage(sha256: string): Promise<DatasetLineageReply> {
    const reply = expectList<DatasetLineageReply>(
      await this.call('GET', MODELS_PATHS.datasetLineage(sha256)),
      'versions',
    );
    return expectObject(reply, ['dataset']);
  }

  async listAliases(): Promise<ListAliasesReply> {
    return expectList(await this.call('GET', MODELS_PATHS.aliases(this.model)), 'aliases');
  }

  async setAlias(alias: ModelAlias, body: SetAliasBody): Promise<SetAliasReply> {
    return expectObject(await this.call('PUT', MODELS_PATHS.alias(this.model, alias), body), [
      'alias',
    ]);
  }

  /** `timeoutMs`: registration hashes a whole model directory and may outlast --timeout. */
  async register(body: RegisterVersionBody, timeoutMs?: number): Promise<RegisterVersionReply> {
    return expectObject(
      await this.call('POST', MODELS_PATHS.versions(this.model), body, timeoutMs),
      ['version', 'created'],
    );
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<unknown> {
    const response = await this.client.request(method, path, {
      body,
      timeoutMs,
      acceptStatus: REFUSALS,
    });
    if (response.status >= 400) throw refusal(method, path, response.status, response.body);
    return response.body;
  }
}

/**
 * `{statusCode, error, message, details?, errorId?}` from the gateway's exception filter, as one
 * message: the first line what went wrong, then one line per detail.
 */
export function refusal(method: string, path: string, status: number, body: unknown): GatewayError {
  const server = (typeof body === 'object' && body !== null ? body : {}) as {
    message?: unknown;
    details?: unknown;
    errorId?: unknown;
  };
  const errorId = typeof server.errorId === 'string' ? server.errorId : undefined;
  const suffix = [`HTTP ${status}`, errorId && `error id ${errorId}`].filter(Boolean).join(', ');
  const headline =
    typeof server.message === 'string' && server.message !== ''
      ? `${server.message} (${suffix})`
      : `${method} ${path} failed (${suffix})`;
  const details = Array.isArray(server.details)
    ? server.details.filter((d): d is string => typeof d === 'string')
    : [];
  const message = [headline, ...details.map((detail) => `  - ${detail}`)].join('\n');
  return new GatewayError(message, 'http', status, errorId);
}

function expectObject<T>(body: unknown, fields: readonly string[]): T {
  if (typeof body !== 'object' || body === null || fields.some((f) => !(f in body))) {
    throw new GatewayError(
      `the gateway returned an unexpected body (expected ${fields.join(', ')})`,
      'protocol',
    );
  }
  return body as T;
}

function expectList<T>(body: unknown, field: string): T {
  const reply = expectObject<Record<string, unknown>>(body, [field]);
  if (!Array.isArray(reply[field])) {
    throw new GatewayError(
      `the gateway returned an unexpected body ("${field}" is not a list)`,
      'protocol',
    );
  }
  return reply as T;
}
