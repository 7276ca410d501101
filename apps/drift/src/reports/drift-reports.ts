import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type DriftReportReply,
  type DriftReportView,
  ErrorCode,
  ServiceException,
} from '@sentimentops/contracts';
import type { DataSource } from 'typeorm';
import { type DriftBins, renderReportHtml } from './report-html.js';

interface ReportRow {
  id: string;
  model_name: string;
  model_version: number;
  window_start: Date;
  window_end: Date;
  n: number;
  status: DriftReportView['status'];
  severity: DriftReportView['severity'];
  features: DriftReportView['features'];
  quality: DriftReportView['quality'];
  bins: DriftBins;
  trigger: DriftReportView['trigger'];
  requested_by: string;
  created_at: Date;
  min_samples: number;
}

/** The stored reports: one by id (JSON, or the rendered page), or a model's latest. */
@Injectable()
export class DriftReports {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(id: string, format: 'json' | 'html' = 'json'): Promise<DriftReportReply> {
    const [row] = await this.dataSource.query<ReportRow[]>(
      `SELECT * FROM drift_report WHERE id = $1`,
      [id],
    );
    if (!row) throw new ServiceException(ErrorCode.NotFound, `no drift report ${id}`);
    const reply = { report: view(row), bins: row.bins };
    return format === 'html' ? { ...reply, html: renderReportHtml(reply) } : reply;
  }

  async list(modelName: string, limit = 20): Promise<DriftReportView[]> {
    const rows = await this.dataSource.query<ReportRow[]>(
      `SELECT * FROM drift_report WHERE model_name = $1 ORDER BY created_at DESC LIMIT $2`,
      [modelName, limit],
    );
    return rows.map(view);
  }
}

function view(row: ReportRow): DriftReportView {
  return {
    id: row.id,
    status: row.status,
    severity: row.severity,
    modelName: row.model_name,
    modelVersion: String(row.model_version),
    windowStart: row.window_start.toISOString(),
    windowEnd: row.window_end.toISOString(),
    n: row.n,
    minSamples: row.min_samples,
    features: row.features,
    quality: row.quality,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    createdAt: row.created_at.toISOString(),
  };
}
