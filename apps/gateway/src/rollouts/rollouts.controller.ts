import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ErrorCode,
  type ListRolloutsReply,
  type RolloutView,
  ServiceException,
} from '@sentimentops/contracts';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { AdminActor } from '../models/admin-actor.decorator.js';
import { SERVED_MODEL_NAME } from '../predict/sentiment-predictor.js';
import { type RolloutAction, RolloutsClient } from './rollouts.client.js';
import {
  CurrentRolloutQuery,
  ListRolloutsQuery,
  RolloutActionBody,
  StartRolloutBody,
} from './rollouts.dto.js';

/** Canary rollouts of a model's challenger: the trainer-controller's answers, as they come. */
@ApiTags('rollouts')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/rollouts')
export class RolloutsController {
  constructor(private readonly rollouts: RolloutsClient) {}

  @Post()
  // Created, not accepted: the rollout exists and its first step is in force when this answers;
  // the steps after it follow the analyses (GET /api/rollouts/current).
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: "Start rolling the model's challenger out",
    description:
      'The version must be the challenger. The challenger answers the first step of traffic ' +
      'at once (shadow mode: a copy of every batch); each analysis that passes moves it a step ' +
      'on, the last step promotes it, and failed analyses roll it back. At most one rollout ' +
      "per model is active. The actor is the admin token's name.",
  })
  @ApiBody({ type: StartRolloutBody })
  @ApiCreatedResponse({ description: 'RolloutView' })
  @ApiConflictResponse({ description: 'The model has an active rollout already' })
  start(@Body() body: StartRolloutBody, @AdminActor() actor: string): Promise<RolloutView> {
    return this.rollouts.start({ ...body, modelName: body.modelName ?? SERVED_MODEL_NAME, actor });
  }

  @Get()
  @ApiOperation({ summary: "A model's rollouts, newest first" })
  @ApiOkResponse({ description: 'ListRolloutsReply' })
  list(@Query() query: ListRolloutsQuery): Promise<ListRolloutsReply> {
    return this.rollouts.list({
      modelName: query.model ?? SERVED_MODEL_NAME,
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
  }

  @Get('current')
  @ApiOperation({
    summary: 'The active rollout, else the latest one',
    description:
      'State, step and weight, failed analyses against the threshold, the next analysis, and ' +
      'the latest analyses with their verdicts and reasons.',
  })
  @ApiOkResponse({ description: 'RolloutView' })
  @ApiNotFoundResponse({ description: 'The model never had a rollout' })
  async current(@Query() query: CurrentRolloutQuery): Promise<RolloutView> {
    const modelName = query.model ?? SERVED_MODEL_NAME;
    const { rollout } = await this.rollouts.current({ modelName });
    if (!rollout)
      throw new ServiceException(ErrorCode.NotFound, `model ${modelName} has no rollout`);
    return rollout;
  }

  @Post('current/pause')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Pause the active rollout',
    description: 'The weight holds and no analysis moves the rollout on until it is resumed.',
  })
  @ApiBody({ type: RolloutActionBody, required: false })
  @ApiOkResponse({ description: 'RolloutView' })
  @ApiNotFoundResponse({ description: 'The model has no rollout' })
  pause(@Body() body: RolloutActionBody, @AdminActor() actor: string): Promise<RolloutView> {
    return this.act('pause', body, actor);
  }

  @Post('current/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Resume a paused rollout',
    description: 'Analyses go on from its step.',
  })
  @ApiBody({ type: RolloutActionBody, required: false })
  @ApiOkResponse({ description: 'RolloutView' })
  @ApiNotFoundResponse({ description: 'The model has no rollout' })
  resume(@Body() body: RolloutActionBody, @AdminActor() actor: string): Promise<RolloutView> {
    return this.act('resume', body, actor);
  }

  @Post('current/promote')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Promote the challenger now',
    description: 'The challenger becomes champion without waiting for the remaining steps.',
  })
  @ApiBody({ type: RolloutActionBody, required: false })
  @ApiOkResponse({ description: 'RolloutView' })
  @ApiNotFoundResponse({ description: 'The model has no rollout' })
  promote(@Body() body: RolloutActionBody, @AdminActor() actor: string): Promise<RolloutView> {
    return this.act('promote', body, actor);
  }

  @Post('current/rollback')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Roll the active rollout back',
    description: 'Every batch goes to the champion again, at once.',
  })
  @ApiBody({ type: RolloutActionBody, required: false })
  @ApiOkResponse({ description: 'RolloutView' })
  @ApiNotFoundResponse({ description: 'The model has no rollout' })
  rollback(@Body() body: RolloutActionBody, @AdminActor() actor: string): Promise<RolloutView> {
    return this.act('rollback', body, actor);
  }

  private act(action: RolloutAction, body: RolloutActionBody, actor: string) {
    return this.rollouts.act(action, {
      ...body,
      modelName: body.modelName ?? SERVED_MODEL_NAME,
      actor,
    });
  }
}
