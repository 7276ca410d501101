import { Injectable } from '@nestjs/common';
import { type DriftReportView } from '@sentimentops/contracts';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Gauge } from 'prom-client';

export const DriftMetric = {
  psi: 'sentimentops_drift_psi',
  ksStatistic: 'sentimentops_drift_ks_statistic',
  ksPValue: 'sentimentops_drift_ks_pvalue',
  status: 'sentimentops_drift_status',
  windowSize: 'sentimentops_drift_window_predictions',
  liveAccuracy: 'sentimentops_live_accuracy',
  liveLabelled: 'sentimentops_live_labelled_predictions',
  estimatedAccuracy: 'sentimentops_estimated_accuracy',
} as const;

const FEATURE = ['feature', 'model_version'];
const VERSION = ['model_version'];

export const driftMetricProviders = [
  makeGaugeProvider({
    name: DriftMetric.psi,
    help: 'PSI of each feature in the latest checked window, against the reference profile.',
    labelNames: FEATURE,
  }),
  makeGaugeProvider({
    name: DriftMetric.ksStatistic,
    help: 'Two-sample Kolmogorov-Smirnov D of each numeric feature in the latest window.',
    labelNames: FEATURE,
  }),
  makeGaugeProvider({
    name: DriftMetric.ksPValue,
    help: 'Two-sample Kolmogorov-Smirnov p-value of each numeric feature in the latest window.',
    labelNames: FEATURE,
  }),
  makeGaugeProvider({
    name: DriftMetric.status,
    help: 'Verdict of the latest window: -1 insufficient data, 0 no drift, 1 warn, 2 alert.',
    labelNames: VERSION,
  }),
  makeGaugeProvider({
    name: DriftMetric.windowSize,
    help: 'Logged predictions in the latest checked window.',
    labelNames: VERSION,
  }),
  makeGaugeProvider({
    name: DriftMetric.liveAccuracy,
    help: 'Accuracy measured on the feedback labels of the latest window (absent without labels).',
    labelNames: VERSION,
  }),
  makeGaugeProvider({
    name: DriftMetric.liveLabelled,
    help: 'Predictions of the latest window with a feedback label.',
    labelNames: VERSION,
  }),
  makeGaugeProvider({
    name: DriftMetric.estimatedAccuracy,
    help: 'Accuracy expected from the model confidence in the latest window (no labels needed).',
    labelNames: VERSION,
  }),
];

const STATUS = { 'insufficient-data': -1, 'no-drift': 0, warn: 1, alert: 2 } as const;

/** The latest report of each model version, as Prometheus gauges. */
@Injectable()
export class DriftMetrics {
  constructor(
    @InjectMetric(DriftMetric.psi) private readonly psi: Gauge<string>,
    @InjectMetric(DriftMetric.ksStatistic) private readonly ksStatistic: Gauge<string>,
    @InjectMetric(DriftMetric.ksPValue) private readonly ksPValue: Gauge<string>,
    @InjectMetric(DriftMetric.status) private readonly status: Gauge<string>,
    @InjectMetric(DriftMetric.windowSize) private readonly windowSize: Gauge<string>,
    @InjectMetric(DriftMetric.liveAccuracy) private readonly liveAccuracy: Gauge<string>,
    @InjectMetric(DriftMetric.liveLabelled) private readonly liveLabelled: Gauge<string>,
    @InjectMetric(DriftMetric.estimatedAccuracy) private readonly estimated: Gauge<string>,
  ) {}

  record(report: DriftReportView) {
    const model_version = report.modelVersion;
    for (const f of report.features) {
      const labels = { feature: f.name, model_version };
      setOrRemove(this.psi, labels, f.psi);
      setOrRemove(this.ksStatistic, labels, f.ks_statistic);
      setOrRemove(this.ksPValue, labels, f.ks_pvalue);
    }
    const verdict = report.status === 'drift' ? report.severity! : report.status;
    this.status.set({ model_version }, STATUS[verdict]);
    this.windowSize.set({ model_version }, report.n);
    this.liveLabelled.set({ model_version }, report.quality.labelled);
    setOrRemove(this.liveAccuracy, { model_version }, report.quality.accuracy);
    setOrRemove(this.estimated, { model_version }, report.quality.estimatedAccuracy);
  }
}

/** A number the window did not have is no series, rather than a stale or a made-up one. */
function setOrRemove(gauge: Gauge<string>, labels: Record<string, string>, value: number | null) {
  if (value === null || !Number.isFinite(value)) gauge.remove(labels);
  else gauge.set(labels, value);
}
