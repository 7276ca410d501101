/**
 * The admin API's rollout routes, for the `rollout` commands. A refusal keeps what the
 * trainer-controller said (its message and details), as for the registry's routes; 401 and 403
 * stay with the client.
 */
import { type GatewayClient } from '../http/gateway.client.js';
import { GatewayError } from '../http/gateway.error.js';
import { refusal } from '../models/models.api.js';
import {
  type ListRolloutsReply,
  type RolloutAction,
  type RolloutActionBody,
  type RolloutView,
  type StartRolloutBody,
} from './rollouts.types.js';

export const ROLLOUTS_PATHS = {
  rollouts: '/api/rollouts',
  list: (model: string, limit?: number) =>
    `${ROLLOUTS_PATHS.rollouts}?model=${encodeURIComponent(model)}` +
    (limit === undefined ? '' : `&limit=${limit}`),
  current: (model: string) =>
    `${ROLLOUTS_PATHS.rollouts}/current?model=${encodeURIComponent(model)}`,
  action: (action: RolloutAction) => `${ROLLOUTS_PATHS.rollouts}/current/${action}`,
} as const;

const REFUSALS: readonly number[] = Array.from({ length: 200 }, (_, i) => 400 + i).filter(
  (status) => status !== 401 && status !== 403,
);

export class RolloutsApi {
  constructor(
    private readonly client: GatewayClient,
    readonly model: string,
  ) {}

  async start(body: Omit<StartRolloutBody, 'modelName'>): Promise<RolloutView> {
    return expectRollout(
      await this.call('POST', ROLLOUTS_PATHS.rollouts, { modelName: this.model, ...body }),
    );
  }

  /** The active rollout, else the latest; a model that never had one is a 404 refusal. */
  async current(): Promise<RolloutView> {
    return expectRollout(await this.call('GET', ROLLOUTS_PATHS.current(this.model)));
  }

  async list(limit?: number): Promise<ListRolloutsReply> {
    const reply = await this.call('GET', ROLLOUTS_PATHS.list(this.model, limit));
    if (!isObject(reply) || !Array.isArray(reply.rollouts)) throw unexpected('a "rollouts" list');
    return reply as unknown as ListRolloutsReply;
  }

  async act(action: RolloutAction, reason?: string): Promise<RolloutView> {
    const body: RolloutActionBody = {
      modelName: this.model,
      ...(reason === undefined ? {} : { reason }),
    };
    return expectRollout(await this.call('POST', ROLLOUTS_PATHS.action(action), body));
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.client.request(method, path, { body, acceptStatus: REFUSALS });
    if (response.status >= 400) throw refusal(method, path, response.status, response.body);
    return response.body;
  }
}

function expectRollout(body: unknown): RolloutView {
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.state !== 'string')
    throw unexpected('a rollout with id and state');
  return body as unknown as RolloutView;
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
