import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DriftCheckRequest,
  driftContracts,
  type DriftReportReply,
  DriftReportRequest,
  DriftReportsRequest,
  type DriftReportsReply,
  type DriftReportView,
  type LiveQualityReply,
  LiveQualityRequest,
} from '@sentimentops/contracts';
import { DriftChecker } from './check/drift-checker.js';
import { LiveQuality } from './quality/live-quality.js';
import { DriftReports } from './reports/drift-reports.js';

/** Drift's request/reply API over NATS; the gateway's /api/drift routes and the CLI call it. */
@Controller()
export class DriftController {
  constructor(
    private readonly checker: DriftChecker,
    private readonly reports: DriftReports,
    private readonly liveQuality: LiveQuality,
  ) {}

  @MessagePattern(driftContracts.check.subject)
  async check(@Payload() request: DriftCheckRequest): Promise<DriftReportView> {
    return (await this.checker.check({ ...request, trigger: 'manual' })).report;
  }

  @MessagePattern(driftContracts.report.subject)
  report(@Payload() request: DriftReportRequest): Promise<DriftReportReply> {
    return this.reports.get(request.id, request.format);
  }

  @MessagePattern(driftContracts.reports.subject)
  async list(@Payload() request: DriftReportsRequest): Promise<DriftReportsReply> {
    return { reports: await this.reports.list(request.modelName, request.limit) };
  }

  @MessagePattern(driftContracts.quality.subject)
  quality(@Payload() request: LiveQualityRequest): Promise<LiveQualityReply> {
    return this.liveQuality.byVersion(request);
  }
}
