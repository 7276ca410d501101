import { SENTIMENT_LABELS, type SentimentLabel } from '@sentimentops/contracts';
import {
  categoricalFeature,
  driftVerdict,
  type DriftVerdict,
  type FeatureTest,
  numericFeature,
} from '@sentimentops/statistics';
import {
  NUMERIC_FEATURES,
  type NumericFeature,
  type ReferenceProfile,
} from '../reference/reference-profile.js';

/** One window of logged predictions, column by column. */
export type WindowColumns = Record<NumericFeature, Float64Array> & {
  labels: Record<SentimentLabel, number>;
  truncated: number;
  n: number;
};

export interface CompareOptions {
  bins: number;
  alpha: number;
  warnPsi: number;
  alertPsi: number;
  minSamples: number;
}

/**
 * A window against a version's reference profile (docs/drift.md): PSI and the two-sample KS test
 * for each numeric feature, chi-square and PSI on the predicted-label shares and on the
 * truncation share, then one Holm-controlled verdict. The checker and the scenario tests share it.
 */
export function compareWindow(
  reference: ReferenceProfile,
  window: WindowColumns,
  options: CompareOptions,
): DriftVerdict {
  const tests: FeatureTest[] = NUMERIC_FEATURES.map((f) =>
    numericFeature(f, reference.samples[f], window[f], { bins: options.bins }),
  );
  tests.push(
    categoricalFeature(
      'predicted_label',
      SENTIMENT_LABELS.map((l) => reference.labelShares[l]),
      SENTIMENT_LABELS.map((l) => window.labels[l]),
    ),
  );
  // A share the reference never saw (0 or 1) has no chi-square: truncation is tested only when
  // the reference had some truncated texts and some whole ones.
  if (reference.truncationRate > 0 && reference.truncationRate < 1) {
    tests.push(
      categoricalFeature(
        'truncated',
        [1 - reference.truncationRate, reference.truncationRate],
        [window.n - window.truncated, window.truncated],
      ),
    );
  }
  return driftVerdict(tests, {
    alpha: options.alpha,
    warnPsi: options.warnPsi,
    alertPsi: options.alertPsi,
    minSamples: options.minSamples,
  });
}
