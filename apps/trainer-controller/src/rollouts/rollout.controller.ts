import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CurrentRolloutRequest,
  type CurrentRolloutReply,
  ListRolloutsRequest,
  type ListRolloutsReply,
  RolloutActionRequest,
  rolloutContracts,
  type RolloutView,
  StartRolloutRequest,
} from '@sentimentops/contracts';
import { Rollouts } from './rollouts.js';

/** The rollout API over NATS: the gateway's /api/rollouts routes and the CLI call it. */
@Controller()
export class RolloutController {
  constructor(private readonly rollouts: Rollouts) {}

  @MessagePattern(rolloutContracts.start.subject)
  async start(@Payload() r: StartRolloutRequest): Promise<RolloutView> {
    return this.rollouts.view(await this.rollouts.start(r));
  }

  @MessagePattern(rolloutContracts.current.subject)
  async current(@Payload() r: CurrentRolloutRequest): Promise<CurrentRolloutReply> {
    return { rollout: await this.rollouts.current(r.modelName) };
  }

  @MessagePattern(rolloutContracts.list.subject)
  async list(@Payload() r: ListRolloutsRequest): Promise<ListRolloutsReply> {
    return { rollouts: await this.rollouts.list(r.modelName, r.limit) };
  }

  @MessagePattern(rolloutContracts.pause.subject)
  async pause(@Payload() r: RolloutActionRequest): Promise<RolloutView> {
    return this.rollouts.view(await this.rollouts.pause(r));
  }

  @MessagePattern(rolloutContracts.resume.subject)
  async resume(@Payload() r: RolloutActionRequest): Promise<RolloutView> {
    return this.rollouts.view(await this.rollouts.resume(r));
  }

  @MessagePattern(rolloutContracts.promote.subject)
  async promote(@Payload() r: RolloutActionRequest): Promise<RolloutView> {
    return this.rollouts.view(await this.rollouts.promote(r));
  }

  @MessagePattern(rolloutContracts.rollback.subject)
  async rollback(@Payload() r: RolloutActionRequest): Promise<RolloutView> {
    return this.rollouts.view(await this.rollouts.rollback(r));
  }
}
