import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ListPipelinesRequest,
  type ListPipelinesReply,
  PipelineActionRequest,
  pipelineContracts,
  PipelineRunRequest,
  type PipelineRunView,
  StartPipelineRequest,
  type StartPipelineReply,
} from '@sentimentops/contracts';
import { PipelineRuns, runView } from './pipeline/pipeline-runs.js';

/** The pipeline API over NATS: the gateway's /api/pipelines routes and the CLI call it. */
@Controller()
export class PipelineController {
  constructor(private readonly runs: PipelineRuns) {}

  @MessagePattern(pipelineContracts.start.subject)
  async start(@Payload() r: StartPipelineRequest): Promise<StartPipelineReply> {
    const { run, created } = await this.runs.start(r.trigger, r.reason, r.actor);
    return { run: runView(run), created };
  }

  @MessagePattern(pipelineContracts.list.subject)
  async list(@Payload() r: ListPipelinesRequest): Promise<ListPipelinesReply> {
    return { runs: (await this.runs.list(r.limit)).map(runView) };
  }

  @MessagePattern(pipelineContracts.get.subject)
  async get(@Payload() r: PipelineRunRequest): Promise<PipelineRunView> {
    return runView(await this.runs.get(r.id));
  }

  @MessagePattern(pipelineContracts.cancel.subject)
  async cancel(@Payload() r: PipelineActionRequest): Promise<PipelineRunView> {
    return runView(await this.runs.cancel(r.id, r.actor, r.reason));
  }

  @MessagePattern(pipelineContracts.retry.subject)
  async retry(@Payload() r: PipelineActionRequest): Promise<PipelineRunView> {
    return runView(await this.runs.retry(r.id, r.actor, r.reason));
  }
}
