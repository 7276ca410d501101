/**
 * The admin API's drift routes, for the `drift` commands. A refusal keeps what the drift app said
 * (its message and details), as for the registry's routes; 401 and 403 stay with the client.
 */
import { type GatewayClient } from '../http/gateway.client.js';
import { GatewayError } from '../http/gateway.error.js';
import { refusal } from '../models/models.api.js';
import {
  type DriftCheckBody,
  type DriftReportReply,
  type DriftReportsReply,
  type DriftReportView,
} from './drift.types.js';

export const DRIFT_PATHS = {
  check: '/api/drift/check',
  reports: (model: string, limit?: number) =>
    `/api/drift/reports?${new URLSearchParams({
      model,
      ...(limit !== undefined ? { limit: String(limit) } : {}),
    }).toString()}`,
  report: (id: string, { html = false } = {}) =>
    `/api/drift/reports/${encodeURIComponent(id)}${html ? '?format=html' : ''}`,
} as const;

const REFUSALS: readonly number[] = Array.from({ length: 200 }, (_, i) => 400 + i).filter(
  (status) => status !== 401 && status !== 403,
);

export class DriftApi {
  constructor(private readonly client: GatewayClient) {}

  /** `timeoutMs`: a check reads a whole window and may outlast --timeout. */
  async check(body: DriftCheckBody, timeoutMs?: number): Promise<DriftReportView> {
    return expectReport(await this.call('POST', DRIFT_PATHS.check, body, timeoutMs));
  }

  async reports(model: string, limit?: number): Promise<DriftReportsReply> {
    const reply = await this.call('GET', DRIFT_PATHS.reports(model, limit));
    if (!isObject(reply) || !Array.isArray(reply.reports)) throw unexpected('a "reports" list');
    return reply as unknown as DriftReportsReply;
  }

  /** With `html`, the reply carries the rendered page (the gateway's `?format=html`). */
  async report(id: string, { html = false } = {}): Promise<DriftReportReply> {
    const reply = await this.call('GET', DRIFT_PATHS.report(id, { html }));
    if (!isObject(reply)) throw unexpected('report');
    expectReport(reply.report);
    if (html && typeof reply.html !== 'string') throw unexpected('html');
    return reply as unknown as DriftReportReply;
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ): Promise<unknown> {
    const response = await this.client.request(method, path, {
      body,
      timeoutMs,
      acceptStatus: REFUSALS,
    });
    if (response.status >= 400) throw refusal(method, path, response.status, response.body);
    return response.body;
  }
}

function expectReport(body: unknown): DriftReportView {
  if (!isObject(body) || typeof body.status !== 'string' || !Array.isArray(body.features))
    throw unexpected('a report with status and features');
  return body as unknown as DriftReportView;
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
