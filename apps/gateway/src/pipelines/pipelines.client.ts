import { Injectable } from '@nestjs/common';
import {
  type ListPipelinesReply,
  type ListPipelinesRequest,
  type PipelineActionRequest,
  pipelineContracts,
  type PipelineRunView,
  type RequestContract,
  type StartPipelineReply,
  type StartPipelineRequest,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { GatewayConfig } from '../gateway.config.js';

/**
 * The trainer-controller over NATS request/reply (`pipelineContracts`), for the admin API. Its
 * refusals (an unknown run 404, cancelling a finished run or retrying one that did not fail 400,
 * a retry while another run is active 409) arrive as RemoteCallError with the controller's code,
 * message and details, which the exception filter renders as they are; a controller that does not
 * answer is 503 (no responders) or 504 (nothing within GATEWAY_PIPELINE_TIMEOUT_MS).
 *
 * Nothing is retried: a start or a retry that timed out may still have happened. The caller lists
 * the runs and decides.
 */
@Injectable()
export class PipelinesClient {
  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
  ) {}

  start(request: StartPipelineRequest): Promise<StartPipelineReply> {
    return this.call(pipelineContracts.start, request);
  }

  list(request: ListPipelinesRequest): Promise<ListPipelinesReply> {
    return this.call(pipelineContracts.list, request);
  }

  get(id: string): Promise<PipelineRunView> {
    return this.call(pipelineContracts.get, { id });
  }

  cancel(request: PipelineActionRequest): Promise<PipelineRunView> {
    return this.call(pipelineContracts.cancel, request);
  }

  retry(request: PipelineActionRequest): Promise<PipelineRunView> {
    return this.call(pipelineContracts.retry, request);
  }

  private call<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
  ): Promise<Res> {
    return this.requester.request(contract, payload, this.config.GATEWAY_PIPELINE_TIMEOUT_MS);
  }
}
