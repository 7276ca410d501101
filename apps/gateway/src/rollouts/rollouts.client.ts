import { Injectable } from '@nestjs/common';
import {
  type CurrentRolloutReply,
  type CurrentRolloutRequest,
  type ListRolloutsReply,
  type ListRolloutsRequest,
  type RequestContract,
  type RolloutActionRequest,
  rolloutContracts,
  type RolloutView,
  type StartRolloutRequest,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { GatewayConfig } from '../gateway.config.js';

export type RolloutAction = 'pause' | 'resume' | 'promote' | 'rollback';

/**
 * The trainer-controller's rollouts over NATS request/reply (`rolloutContracts`), for the admin
 * API and for the router's first read. Its refusals (a version that is not the challenger, a
 * second active rollout, pausing one that is not progressing) arrive as RemoteCallError with the
 * controller's code, message and details, which the exception filter renders as they are; a
 * controller that does not answer is 503 (no responders) or 504 (nothing within
 * GATEWAY_ROLLOUT_TIMEOUT_MS).
 *
 * Nothing is retried: a start or a promotion that timed out may still have happened. The caller
 * reads the current rollout and decides.
 */
@Injectable()
export class RolloutsClient {
  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
  ) {}

  start(request: StartRolloutRequest): Promise<RolloutView> {
    return this.call(rolloutContracts.start, request);
  }

  current(request: CurrentRolloutRequest): Promise<CurrentRolloutReply> {
    return this.call(rolloutContracts.current, request);
  }

  list(request: ListRolloutsRequest): Promise<ListRolloutsReply> {
    return this.call(rolloutContracts.list, request);
  }

  act(action: RolloutAction, request: RolloutActionRequest): Promise<RolloutView> {
    return this.call(rolloutContracts[action], request);
  }

  private call<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
  ): Promise<Res> {
    return this.requester.request(contract, payload, this.config.GATEWAY_ROLLOUT_TIMEOUT_MS);
  }
}
