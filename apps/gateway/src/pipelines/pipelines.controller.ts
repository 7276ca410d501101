import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type ListPipelinesReply, type PipelineRunView } from '@sentimentops/contracts';
import { IsUUID } from 'class-validator';
import { AdminTokenGuard } from '../auth/admin-token.guard.js';
import { AdminActor } from '../models/admin-actor.decorator.js';
import { PathParamPipe } from '../models/path-param.pipe.js';
import { PipelinesClient } from './pipelines.client.js';
import { ListPipelinesQuery, PipelineActionBody, StartPipelineBody } from './pipelines.dto.js';

/** `:id`, a pipeline run's uuid. */
const RunIdParam = () =>
  Param('id', new PathParamPipe('id', 'run id', IsUUID(undefined, { message: 'must be a UUID' })));

/** A started run: the run itself, and whether this request created it or joined the active one. */
export type StartedPipelineRun = PipelineRunView & { created: boolean };

/** Retraining pipeline runs: the trainer-controller's answers, as they come. */
@ApiTags('pipelines')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/pipelines')
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesClient) {}

  @Post()
  // Accepted, not done: the run goes on in the trainer-controller; GET /api/pipelines/{id} follows it.
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Start a retraining run, or join the active one',
    description:
      'At most one run is active: while one is, this trigger is recorded against it and its ' +
      'view comes back with `created: false` (still 202). The trigger is `manual`, the actor ' +
      "the admin token's name.",
  })
  @ApiBody({ type: StartPipelineBody })
  @ApiAcceptedResponse({ description: 'PipelineRunView plus `created`' })
  @ApiConflictResponse({
    description: 'Another run is active, or runs are being started concurrently',
  })
  async start(
    @Body() body: StartPipelineBody,
    @AdminActor() actor: string,
  ): Promise<StartedPipelineRun> {
    const { run, created } = await this.pipelines.start({ ...body, trigger: 'manual', actor });
    return { ...run, created };
  }

  @Get()
  @ApiOperation({ summary: 'Pipeline runs, newest first' })
  @ApiOkResponse({ description: 'ListPipelinesReply' })
  list(@Query() query: ListPipelinesQuery): Promise<ListPipelinesReply> {
    return this.pipelines.list(query.limit !== undefined ? { limit: query.limit } : {});
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One run: state, training progress, what its steps produced, why it failed',
  })
  @ApiOkResponse({ description: 'PipelineRunView' })
  get(@RunIdParam() id: string): Promise<PipelineRunView> {
    return this.pipelines.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Cancel an active run',
    description:
      'A pending run is cancelled at once; a running one stops its current job and ends ' +
      'cancelled shortly after. A run that already ended is refused (400).',
  })
  @ApiBody({ type: PipelineActionBody, required: false })
  @ApiOkResponse({ description: 'PipelineRunView' })
  cancel(
    @RunIdParam() id: string,
    @Body() body: PipelineActionBody,
    @AdminActor() actor: string,
  ): Promise<PipelineRunView> {
    return this.pipelines.cancel({ ...body, id, actor });
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Retry a failed run from the step that failed',
    description:
      'Earlier steps are not run again (their outputs are kept). Only a failed run can be ' +
      'retried (400 otherwise), and not while another run is active (409).',
  })
  @ApiBody({ type: PipelineActionBody, required: false })
  @ApiOkResponse({ description: 'PipelineRunView' })
  @ApiConflictResponse({ description: 'Another run is active' })
  retry(
    @RunIdParam() id: string,
    @Body() body: PipelineActionBody,
    @AdminActor() actor: string,
  ): Promise<PipelineRunView> {
    return this.pipelines.retry({ ...body, id, actor });
  }
}
