/**
 * The admin API's pipeline routes, for the `pipeline` commands. A refusal keeps what the
 * trainer-controller said (its message and details), as for the registry's routes; 401 and 403
 * stay with the client.
 */
import { type GatewayClient } from '../http/gateway.client.js';
import { GatewayError } from '../http/gateway.error.js';
import { refusal } from '../models/models.api.js';
import {
  type ListPipelinesReply,
  type PipelineActionBody,
  type PipelineRunView,
  type StartedPipelineRun,
} from './pipelines.types.js';

export const PIPELINES_PATHS = {
  runs: '/api/pipelines',
  list: (limit?: number) =>
    limit === undefined ? PIPELINES_PATHS.runs : `${PIPELINES_PATHS.runs}?limit=${limit}`,
  run: (id: string) => `${PIPELINES_PATHS.runs}/${encodeURIComponent(id)}`,
  cancel: (id: string) => `${PIPELINES_PATHS.run(id)}/cancel`,
  retry: (id: string) => `${PIPELINES_PATHS.run(id)}/retry`,
} as const;

const REFUSALS: readonly number[] = Array.from({ length: 200 }, (_, i) => 400 + i).filter(
  (status) => status !== 401 && status !== 403,
);

export class PipelinesApi {
  constructor(private readonly client: GatewayClient) {}

  /** A new manual run, or the active one (`created: false`) with this trigger recorded. */
  async start(reason: string): Promise<StartedPipelineRun> {
    const reply = expectRun(await this.call('POST', PIPELINES_PATHS.runs, { reason }));
    if (typeof reply.created !== 'boolean') throw unexpected('a run with "created"');
    return reply as unknown as StartedPipelineRun;
  }

  async list(limit?: number): Promise<ListPipelinesReply> {
    const reply = await this.call('GET', PIPELINES_PATHS.list(limit));
    if (!isObject(reply) || !Array.isArray(reply.runs)) throw unexpected('a "runs" list');
    return reply as unknown as ListPipelinesReply;
  }

  async get(id: string): Promise<PipelineRunView> {
    return expectRun(await this.call('GET', PIPELINES_PATHS.run(id)));
  }

  async cancel(id: string, body: PipelineActionBody): Promise<PipelineRunView> {
    return expectRun(await this.call('POST', PIPELINES_PATHS.cancel(id), body));
  }

  async retry(id: string, body: PipelineActionBody): Promise<PipelineRunView> {
    return expectRun(await this.call('POST', PIPELINES_PATHS.retry(id), body));
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.client.request(method, path, { body, acceptStatus: REFUSALS });
    if (response.status >= 400) throw refusal(method, path, response.status, response.body);
    return response.body;
  }
}

function expectRun(body: unknown): PipelineRunView & Record<string, unknown> {
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.state !== 'string')
    throw unexpected('a run with id and state');
  return body as unknown as PipelineRunView & Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unexpected(expected: string): GatewayError {
  return new GatewayError(
    `the gateway returned an unexpected body (expected ${expected})`,
    'protocol',
  );
}
