import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DriftDetected,
  type DriftFeatureView,
  type DriftReportView,
  ErrorCode,
  registryContracts,
  SENTIMENT_LABELS,
  ServiceException,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { Outbox } from '@sentimentops/persistence';
import { type FeatureVerdict } from '@sentimentops/statistics';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DriftConfig } from '../drift.config.js';
import { type ReferenceProfile, ReferenceProfiles } from '../reference/reference-profile.js';
import { type DriftBins, type FeatureBins } from '../reports/report-html.js';
import { compareWindow, type WindowColumns } from './compare-window.js';
import { DriftMetrics } from './drift.metrics.js';

export interface CheckRequest {
  modelName: string;
  version?: string;
  windowMinutes?: number;
  actor: string;
  trigger: 'schedule' | 'manual';
}

type Window = WindowColumns;

/**
 * A drift check: the logged predictions of one model version over a window, against that
 * version's reference profile (docs/drift.md): PSI and KS per numeric feature, chi-square on the
 * predicted-label and truncation shares, one Holm-controlled verdict, and live quality (measured
 * on feedback, estimated from confidence). Every report is stored; a drifting one is also
 * published as `drift.detected.v1`, in the same transaction.
 */
@Injectable()
export class DriftChecker {
  private readonly logger = new Logger(DriftChecker.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly profiles: ReferenceProfiles,
    private readonly requester: NatsRequester,
    private readonly outbox: Outbox,
    private readonly metrics: DriftMetrics,
    private readonly config: DriftConfig,
  ) {}

  async check(request: CheckRequest): Promise<{ report: DriftReportView; bins: DriftBins }> {
    const version = request.version ?? (await this.champion(request.modelName));
    const reference = await this.profiles.get(request.modelName, version);
    const windowEnd = new Date();
    const minutes = request.windowMinutes ?? this.config.DRIFT_WINDOW_MINUTES;
    const windowStart = new Date(windowEnd.getTime() - minutes * 60_000);
    const window = await this.readWindow(request.modelName, version, windowStart, windowEnd);

    const verdict = compareWindow(reference, window, {
      bins: this.config.DRIFT_PSI_BINS,
      alpha: this.config.DRIFT_ALPHA,
      warnPsi: this.config.DRIFT_PSI_WARN,
      alertPsi: this.config.DRIFT_PSI_ALERT,
      minSamples: this.config.DRIFT_MIN_SAMPLES,
    });
    const quality = await this.quality(request.modelName, version, windowStart, windowEnd, window);

    const report: DriftReportView = {
      id: randomUUID(),
      status: verdict.verdict,
      severity: verdict.severity,
      modelName: request.modelName,
      modelVersion: version,
      windowStart: windowStart.toISOString(),
      windowEnd: windowEnd.toISOString(),
      n: window.n,
      minSamples: this.config.DRIFT_MIN_SAMPLES,
      features: verdict.features.map(featureView),
      quality,
      trigger: request.trigger,
      requestedBy: request.actor,
      createdAt: windowEnd.toISOString(),
    };
    const bins = binsOf(verdict.features, reference, window);
    await this.store(report, bins);
    this.metrics.record(report);
    this.logger.log(
      `${report.modelName} v${version} ${minutes} min, n=${window.n}: ${report.status}` +
        (report.severity ? ` (${report.severity})` : '') +
        ` [${report.id}]`,
    );
    return { report, bins };
  }

  private async champion(modelName: string): Promise<string> {
    const { aliases } = await this.requester.request(
      registryContracts.listAliases,
      { modelName },
      this.config.NATS_REQUEST_TIMEOUT_MS,
    );
    const version = aliases.find((a) => a.alias === 'champion')?.version;
    if (!version) {
      throw new ServiceException(ErrorCode.FailedPrecondition, `${modelName} has no champion`);
    }
    return version;
  }

  /** The window's columns in one row of arrays (the newest DRIFT_MAX_WINDOW_ROWS rows). */
  private async readWindow(
    modelName: string,
    version: string,
    start: Date,
    end: Date,
  ): Promise<Window> {
    const [row] = await this.dataSource.query<
      {
        score: number[] | null;
        token_length: number[] | null;
        unknown_token_rate: number[] | null;
        positive: string;
        truncated: string;
        n: string;
      }[]
    >(
      `SELECT array_agg(score) AS score, array_agg(token_count::float8) AS token_length,
              array_agg(unknown_token_rate) AS unknown_token_rate,
              count(*) FILTER (WHERE label = 'positive') AS positive,
              count(*) FILTER (WHERE truncated) AS truncated, count(*) AS n
       FROM (SELECT * FROM logged_prediction
             WHERE model_name = $1 AND model_version = $2 AND occurred_at > $3 AND occurred_at <= $4
             ORDER BY occurred_at DESC LIMIT $5) w`,
      [modelName, Number(version), start, end, this.config.DRIFT_MAX_WINDOW_ROWS],
    );
    const n = Number(row.n);
    const positive = Number(row.positive);
    return {
      score: Float64Array.from(row.score ?? []),
      token_length: Float64Array.from(row.token_length ?? []),
      unknown_token_rate: Float64Array.from(row.unknown_token_rate ?? []),
      labels: { positive, negative: n - positive },
      truncated: Number(row.truncated),
      n,
    };
  }

  /**
   * Measured accuracy: the window's predictions that got a feedback label, and how many the model
   * got right. Estimated accuracy (confidence-based, as CBPE): the mean probability of the label
   * the model chose, which equals the expected accuracy when the model is calibrated (the card's
   * ECE says how far from it it was on validation data).
   */
  private async quality(
    modelName: string,
    version: string,
    start: Date,
    end: Date,
    window: Window,
  ): Promise<DriftReportView['quality']> {
    const [row] = await this.dataSource.query<{ labelled: string; correct: string }[]>(
      `SELECT count(*) AS labelled, count(*) FILTER (WHERE f.label = p.label) AS correct
       FROM logged_prediction p
       JOIN LATERAL (SELECT label FROM feedback WHERE prediction_id = p.prediction_id
                     ORDER BY occurred_at DESC LIMIT 1) f ON TRUE
       WHERE p.model_name = $1 AND p.model_version = $2 AND p.occurred_at > $3 AND p.occurred_at <= $4`,
      [modelName, Number(version), start, end],
    );
    const labelled = Number(row.labelled);
    let confidence = 0;
    for (const s of window.score) confidence += Math.max(s, 1 - s);
    return {
      labelled,
      accuracy: labelled > 0 ? Number(row.correct) / labelled : null,
      estimatedAccuracy: window.n > 0 ? confidence / window.score.length : null,
    };
  }

  private async store(report: DriftReportView, bins: DriftBins) {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO drift_report (id, model_name, model_version, window_start, window_end, n,
           min_samples, status, severity, features, quality, bins, trigger, requested_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          report.id,
          report.modelName,
          Number(report.modelVersion),
          report.windowStart,
          report.windowEnd,
          report.n,
          report.minSamples,
          report.status,
          report.severity,
          JSON.stringify(report.features),
          JSON.stringify(report.quality),
          JSON.stringify(bins),
          report.trigger,
          report.requestedBy,
          report.createdAt,
        ],
      );
      if (report.status === 'drift') {
        await this.outbox.add(
          manager,
          DriftDetected,
          {
            reportId: report.id,
            modelName: report.modelName,
            modelVersion: report.modelVersion,
            severity: report.severity!,
            windowStart: report.windowStart,
            windowEnd: report.windowEnd,
            features: report.features
              .filter((f) => f.drifting)
              .map((f) => ({
                feature: f.name,
                statistic: f.kind === 'numeric' ? ('ks' as const) : ('chi-square' as const),
                value: (f.kind === 'numeric' ? f.ks_statistic : f.chi2_statistic) ?? 0,
                pValue: f.p_adjusted ?? undefined,
              })),
            occurredAt: report.createdAt,
          },
          `drift.detected:${report.id}`,
        );
      }
    });
    if (report.status === 'drift') void this.outbox.flush();
  }
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function featureView(f: FeatureVerdict): DriftFeatureView {
  const ks = f.test === 'ks';
  return {
    name: f.name,
    kind: ks ? 'numeric' : 'categorical',
    psi: finite(f.psi),
    ks_statistic: ks ? finite(f.statistic) : null,
    ks_pvalue: ks ? finite(f.pValue) : null,
    ks_method: ks ? (f.method ?? null) : null,
    chi2_statistic: ks ? null : finite(f.statistic),
    chi2_pvalue: ks ? null : finite(f.pValue),
    p_adjusted: finite(f.adjustedPValue),
    drifting: f.drifting,
  };
}

/** Reference vs current shares per bin or category: what the HTML report draws. */
function binsOf(
  features: readonly FeatureVerdict[],
  reference: ReferenceProfile,
  window: Window,
): DriftBins {
  const bins: DriftBins = {};
  for (const f of features) {
    if (f.psiBins) {
      bins[f.name] = {
        kind: 'numeric',
        edges: [f.psiBins[0].lower, ...f.psiBins.map((b) => b.upper)],
        reference: f.psiBins.map((b) => b.referenceShare),
        current: f.psiBins.map((b) => b.currentShare),
      } satisfies FeatureBins;
    }
  }
  const n = Math.max(window.n, 1);
  bins.predicted_label = {
    kind: 'categorical',
    labels: [...SENTIMENT_LABELS],
    reference: SENTIMENT_LABELS.map((l) => reference.labelShares[l]),
    current: SENTIMENT_LABELS.map((l) => (window.labels[l] ?? 0) / n),
  };
  if (features.some((f) => f.name === 'truncated')) {
    bins.truncated = {
      kind: 'categorical',
      labels: ['whole', 'truncated'],
      reference: [1 - reference.truncationRate, reference.truncationRate],
      current: [(window.n - window.truncated) / n, window.truncated / n],
    };
  }
  return bins;
}
