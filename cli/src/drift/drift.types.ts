/**
 * What the CLI reads from the admin API's `/api/drift` routes: the drift app's replies
 * (`libs/contracts/src/drift/drift-api.dto.ts`) as JSON. The server validates them; the CLI still
 * prints a field that is missing as "-" rather than failing, so it survives a gateway older or
 * newer than itself. --json prints the reply exactly as it came.
 */

export const DRIFT_STATUSES = ['drift', 'no-drift', 'insufficient-data'] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/** One feature's numbers (snake_case, as the API has always shown them). */
export interface DriftFeatureView {
  name: string;
  kind: 'numeric' | 'categorical';
  psi: number;
  /** Kolmogorov–Smirnov, numeric features only. */
  ks_statistic?: number | null;
  ks_pvalue?: number | null;
  ks_method?: string | null;
  /** Chi-square against the reference shares, categorical features only. */
  chi2_statistic?: number | null;
  chi2_pvalue?: number | null;
  /** Holm-adjusted across the report's features. */
  p_adjusted: number;
  drifting: boolean;
}

export interface LiveQualityView {
  labelled: number;
  accuracy?: number | null;
  estimatedAccuracy?: number | null;
}

export interface DriftReportView {
  id: string;
  /** drift, no-drift or insufficient-data (a newer drift app may add more). */
  status: string;
  severity?: 'warn' | 'alert' | null;
  modelName: string;
  modelVersion: string;
  windowStart: string;
  windowEnd: string;
  n: number;
  minSamples: number;
  features: DriftFeatureView[];
  quality: LiveQualityView;
  trigger: string;
  requestedBy: string;
  createdAt: string;
}

export interface DriftReportReply {
  report: DriftReportView;
  /** Reference vs current shares per feature, for the report's histograms. */
  bins: Record<string, unknown>;
  /** The rendered page, when asked for with format=html. */
  html?: string;
}

export interface DriftReportsReply {
  reports: DriftReportView[];
}

export interface DriftCheckBody {
  modelName: string;
  version?: string;
  windowMinutes?: number;
}
