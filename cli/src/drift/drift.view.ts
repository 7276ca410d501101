/**
 * How the `drift` commands print the drift app's reports for a person. Every value may be missing
 * on the wire (see drift.types.ts), so each cell falls back to "-".
 */
import { type Colors } from '../output/colors.js';
import { type Output } from '../output/cli.output.js';
import { NONE, orNone } from '../output/format.js';
import { score, section, time } from '../models/models.view.js';
import { type DriftFeatureView, type DriftReportView } from './drift.types.js';

/** The whole report: verdict, window and sample, the feature table, live quality. */
export function reportSections(out: Output, report: DriftReportView): void {
  out.line(
    `${out.colors.bold(`${orNone(report.modelName)} v${orNone(report.modelVersion)}`)}: ` +
      verdict(report, out.colors),
  );
  out.fields([
    ['report', orNone(report.id)],
    ['window', windowText(report)],
    ['samples', samplesText(report)],
    [
      'trigger',
      `${orNone(report.trigger)} by ${orNone(report.requestedBy)}, ${time(report.createdAt)}`,
    ],
  ]);
  section(out, 'features');
  featuresTable(out, report.features ?? []);
  section(out, 'live quality');
  const quality = report.quality ?? { labelled: undefined };
  out.fields([
    ['labelled', count(quality.labelled)],
    ['accuracy', score(quality.accuracy)],
    ['estimated accuracy', score(quality.estimatedAccuracy)],
  ]);
}

export function featuresTable(out: Output, features: readonly DriftFeatureView[]): void {
  if (features.length === 0) return out.line('no features compared');
  out.table(
    ['feature', 'PSI', 'KS D', 'KS p', 'chi2 p', 'adjusted p', 'drifting'],
    features.map((f) => [
      orNone(f.name),
      score(f.psi),
      score(f.ks_statistic),
      pValue(f.ks_pvalue),
      pValue(f.chi2_pvalue),
      pValue(f.p_adjusted),
      f.drifting === true ? out.colors.red('yes') : f.drifting === false ? 'no' : NONE,
    ]),
  );
}

export function reportsTable(out: Output, reports: readonly DriftReportView[]): void {
  out.table(
    ['created', 'id', 'version', 'window', 'n', 'status', 'drifting', 'trigger'],
    reports.map((r) => [
      time(r.createdAt),
      orNone(r.id),
      r.modelVersion ? `v${r.modelVersion}` : NONE,
      minutes(r) === null ? NONE : `${minutes(r)} min`,
      count(r.n),
      verdict(r, out.colors),
      drifting(r.features),
      `${orNone(r.trigger)} by ${orNone(r.requestedBy)}`,
    ]),
  );
}

/** `drift (alert)` in red, `no-drift` in green, `insufficient-data` in yellow. */
export function verdict(report: DriftReportView, colors: Colors): string {
  const text = report.severity ? `${report.status} (${report.severity})` : orNone(report.status);
  if (report.status === 'drift') return colors.red(text);
  if (report.status === 'no-drift') return colors.green(text);
  if (report.status === 'insufficient-data') return colors.yellow(text);
  return text;
}

function windowText(report: DriftReportView): string {
  const length = minutes(report);
  return `${time(report.windowStart)} -> ${time(report.windowEnd)}${length === null ? '' : ` (${length} min)`}`;
}

function samplesText(report: DriftReportView): string {
  const text = `${count(report.n)} (minimum ${count(report.minSamples)})`;
  return report.n < report.minSamples ? `${text}: too few for a verdict` : text;
}

function minutes(report: DriftReportView): number | null {
  const ms = Date.parse(report.windowEnd) - Date.parse(report.windowStart);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 60_000) : null;
}

function drifting(features: readonly DriftFeatureView[] | undefined): string {
  const names = (features ?? []).filter((f) => f.drifting).map((f) => f.name);
  return names.length > 0 ? names.join(', ') : NONE;
}

function count(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? String(n) : NONE;
}

/** Small p-values in scientific notation (1.2e-9), so a strong signal never reads 0.0000. */
function pValue(p: number | null | undefined): string {
  if (typeof p !== 'number' || !Number.isFinite(p)) return NONE;
  return p !== 0 && p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}
