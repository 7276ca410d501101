import { Injectable } from '@nestjs/common';
import {
  driftContracts,
  type DriftCheckRequest,
  type DriftReportReply,
  type DriftReportRequest,
  type DriftReportsReply,
  type DriftReportsRequest,
  type DriftReportView,
  type RequestContract,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { GatewayConfig } from '../gateway.config.js';

/**
 * The drift app over NATS request/reply (`driftContracts`), for the admin API. Its refusals (an
 * unknown report 404, a model without a reference profile 400) arrive as RemoteCallError with the
 * drift app's code, message and details, which the exception filter renders as they are; a drift
 * app that does not answer is 503 (no responders) or 504 (nothing within GATEWAY_DRIFT_TIMEOUT_MS).
 *
 * Nothing is retried: a check that timed out may still finish and store its report, and a retry
 * would run (and store) a second one. The caller lists the reports and decides.
 */
@Injectable()
export class DriftClient {
  constructor(
    private readonly requester: NatsRequester,
    private readonly config: GatewayConfig,
  ) {}

  check(request: DriftCheckRequest): Promise<DriftReportView> {
    return this.call(driftContracts.check, request);
  }

  report(request: DriftReportRequest): Promise<DriftReportReply> {
    return this.call(driftContracts.report, request);
  }

  reports(request: DriftReportsRequest): Promise<DriftReportsReply> {
    return this.call(driftContracts.reports, request);
  }

  private call<Req extends object, Res extends object>(
    contract: RequestContract<Req, Res>,
    payload: Req,
  ): Promise<Res> {
    return this.requester.request(contract, payload, this.config.GATEWAY_DRIFT_TIMEOUT_MS);
  }
}
