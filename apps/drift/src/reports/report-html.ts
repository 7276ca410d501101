/**
 * The drift report as one self-contained HTML page: the verdict, the statistics table, live
 * quality, and per feature an SVG histogram of reference vs current shares. No script, no external
 * asset (the gateway serves it under a CSP that forbids both), so it can be saved and mailed as it
 * is. Every string that reaches the page goes through `escapeHtml`: model and feature names, and
 * category labels, come from data.
 */
import { type DriftFeatureView, type DriftReportView } from '@sentimentops/contracts';

/**
 * One feature's histogram: the share of the reference and of the current window in each bin
 * (same length). Numeric features carry the bin edges (`edges.length === reference.length + 1`;
 * the outer edges may be -Infinity/Infinity, serialised as null); categorical ones their labels.
 */
export interface FeatureBins {
  kind: 'numeric' | 'categorical';
  edges?: (number | null)[];
  labels?: string[];
  reference: number[];
  current: number[];
}

export type DriftBins = Record<string, FeatureBins>;

export interface DriftReportHtmlInput {
  report: DriftReportView;
  bins: DriftBins;
}

/** The two series of every chart; the legend and the table use the same. */
const COLORS = { reference: '#4c78a8', current: '#f58518' } as const;
const NONE = '–';

export function renderReportHtml({ report, bins }: DriftReportHtmlInput): string {
  const title = `Drift report: ${report.modelName} v${report.modelVersion}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${title} (${verdictText(report)})`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)} <span class="verdict ${escapeHtml(report.status)}">${escapeHtml(verdictText(report))}</span></h1>
${summary(report)}
</header>
<section>
<h2>Statistics</h2>
${statisticsTable(report.features)}
</section>
<section>
<h2>Live quality</h2>
${qualityList(report)}
</section>
<section>
<h2>Distributions</h2>
${report.features.map((f) => featureChart(f, bins[f.name])).join('\n')}
</section>
<footer>Report ${escapeHtml(report.id)}, created ${escapeHtml(report.createdAt)} by SentimentOps drift.</footer>
</body>
</html>
`;
}

/** `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

// ---- sections ----------------------------------------------------------------------------------

function verdictText(report: DriftReportView): string {
  return report.severity ? `${report.status}, ${report.severity}` : report.status;
}

function summary(report: DriftReportView): string {
  const minutes = windowMinutes(report);
  const window =
    `${report.windowStart} to ${report.windowEnd}` + (minutes === null ? '' : ` (${minutes} min)`);
  const samples =
    `${report.n} predictions; at least ${report.minSamples} needed` +
    (report.n < report.minSamples ? ': too few for a verdict' : '');
  return definitionList([
    ['Model', `${report.modelName} v${report.modelVersion}`],
    ['Window', window],
    ['Samples', samples],
    ['Status', report.status],
    ['Severity', report.severity ?? NONE],
    ['Trigger', `${report.trigger}, by ${report.requestedBy}`],
  ]);
}

const COLUMNS = [
  'Feature',
  'Kind',
  'PSI',
  'KS D',
  'KS p',
  'KS method',
  'χ²',
  'χ² p',
  'Holm-adjusted p',
  'Drifting',
];

function statisticsTable(features: readonly DriftFeatureView[]): string {
  if (features.length === 0) return '<p>No features were compared.</p>';
  const head = COLUMNS.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const rows = features.map((f) => {
    const cells = [
      fixed(f.psi),
      fixed(f.ks_statistic),
      pValue(f.ks_pvalue),
      f.ks_method ?? NONE,
      fixed(f.chi2_statistic, 2),
      pValue(f.chi2_pvalue),
      pValue(f.p_adjusted),
    ].map((value) => `<td class="num">${escapeHtml(value)}</td>`);
    return (
      `<tr${f.drifting ? ' class="drifting"' : ''}><th scope="row">${escapeHtml(f.name)}</th>` +
      `<td>${escapeHtml(f.kind)}</td>${cells.join('')}` +
      `<td>${f.drifting ? '<strong>yes</strong>' : 'no'}</td></tr>`
    );
  });
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function qualityList(report: DriftReportView): string {
  const q = report.quality;
  return definitionList([
    ['Labelled predictions', String(q.labelled)],
    ['Accuracy (from feedback)', fixed(q.accuracy)],
    ['Estimated accuracy (from confidence)', fixed(q.estimatedAccuracy)],
  ]);
}

function definitionList(pairs: ReadonlyArray<readonly [string, string]>): string {
  const items = pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`);
  return `<dl>${items.join('')}</dl>`;
}

// ---- charts ------------------------------------------------------------------------------------

const CHART = { height: 228, top: 16, bottom: 64, left: 44, right: 12, binWidth: 48 };
/** Longer bin labels are cut under the axis; the bars' tooltips keep them whole. */
const LABEL_CHARS = 14;

/** A grouped bar chart: per bin, the reference share beside the current share. */
function featureChart(feature: DriftFeatureView, bins: FeatureBins | undefined): string {
  const caption =
    `<figcaption><strong>${escapeHtml(feature.name)}</strong> (${escapeHtml(feature.kind)}), ` +
    `PSI ${escapeHtml(fixed(feature.psi))}${feature.drifting ? ', drifting' : ''}</figcaption>`;
  const size = bins ? Math.max(bins.reference.length, bins.current.length) : 0;
  if (!bins || size === 0) {
    return `<figure>${caption}<p>No histogram was recorded for this feature.</p></figure>`;
  }
  const reference = shares(bins.reference, size);
  const current = shares(bins.current, size);
  const labels = binLabels(bins, size);
  const yMax = niceMax(Math.max(...reference, ...current));
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const width = CHART.left + size * CHART.binWidth + CHART.right;
  const y = (share: number) => CHART.top + plotHeight * (1 - share / yMax);
  const bar = (series: keyof typeof COLORS, share: number, x: number, label: string) => {
    const h = Math.max(0, y(0) - y(share));
    return (
      `<rect x="${x}" y="${round(y(share))}" width="18" height="${round(h)}" fill="${COLORS[series]}">` +
      `<title>${escapeHtml(`${label}: ${series} ${percent(share)}`)}</title></rect>`
    );
  };

  const parts: string[] = [];
  for (const tick of [0, 0.5, 1].map((f) => f * yMax)) {
    const ty = round(y(tick));
    parts.push(
      `<line x1="${CHART.left}" x2="${width - CHART.right}" y1="${ty}" y2="${ty}" class="grid"/>`,
      `<text x="${CHART.left - 4}" y="${ty + 4}" text-anchor="end">${escapeHtml(percent(tick))}</text>`,
    );
  }
  const rotate = labels.some((l) => l.length > 6);
  for (let i = 0; i < size; i++) {
    const x0 = CHART.left + i * CHART.binWidth + 5;
    parts.push(
      bar('reference', reference[i], x0, labels[i]),
      bar('current', current[i], x0 + 19, labels[i]),
    );
    const lx = x0 + 19;
    const ly = CHART.height - CHART.bottom + 14;
    const text = escapeHtml(clip(labels[i]));
    parts.push(
      rotate
        ? `<text x="${lx}" y="${ly}" text-anchor="end" transform="rotate(-35 ${lx} ${ly})">${text}</text>`
        : `<text x="${lx}" y="${ly}" text-anchor="middle">${text}</text>`,
    );
  }
  const aria = `Reference and current shares per bin of ${feature.name}`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${CHART.height}" ` +
    `viewBox="0 0 ${width} ${CHART.height}" aria-label="${escapeHtml(aria)}">${parts.join('')}` +
    // Last, so the light grid line at 0 does not cover it.
    `<line x1="${CHART.left}" x2="${width - CHART.right}" y1="${y(0)}" y2="${y(0)}" class="axis"/>` +
    '</svg>';
  return `<figure>${caption}${LEGEND}${svg}</figure>`;
}

const LEGEND =
  '<p class="legend">' +
  `<span class="swatch" style="background:${COLORS.reference}"></span>reference ` +
  `<span class="swatch" style="background:${COLORS.current}"></span>current</p>`;

/** Shares as finite numbers, padded with 0 to `size` (a short series must not shift the bars). */
function shares(values: readonly number[], size: number): number[] {
  return Array.from({ length: size }, (_, i) => {
    const v = values[i];
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
  });
}

/** Numeric bins as "< 0.2", "0.2–0.4", "≥ 0.8"; categorical bins by their names. */
function binLabels(bins: FeatureBins, size: number): string[] {
  return Array.from({ length: size }, (_, i) => {
    if (bins.kind === 'categorical' || !bins.edges) return bins.labels?.[i] ?? `bin ${i + 1}`;
    const lo = bins.edges[i];
    const hi = bins.edges[i + 1];
    const open = (e: number | null | undefined) =>
      e === null || e === undefined || !Number.isFinite(e);
    if (open(lo) && open(hi)) return 'all';
    if (open(lo)) return `< ${edge(hi!)}`;
    if (open(hi)) return `≥ ${edge(lo!)}`;
    return `${edge(lo!)}–${edge(hi!)}`;
  });
}

function clip(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

/** The top of the y axis: the largest share rounded up to a tenth (a twentieth below 0.1). */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const step = max <= 0.1 ? 0.02 : 0.1;
  return Math.min(1, Math.ceil(max / step - 1e-9) * step) || step;
}

// ---- numbers -----------------------------------------------------------------------------------

function fixed(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return NONE;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return x.toFixed(digits);
}

/** p-values to 4 decimals, small ones in scientific notation (1.2e-9), so 0.0000 never shows. */
function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return NONE;
  return p !== 0 && p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 && share !== 0 ? 1 : 0)}%`;
}

function edge(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

const round = (x: number) => Math.round(x * 10) / 10;

function windowMinutes(report: DriftReportView): number | null {
  const ms = Date.parse(report.windowEnd) - Date.parse(report.windowStart);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 60_000) : null;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;padding:0 16px;color:#1f2328}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.verdict{font-size:14px;padding:2px 8px;border-radius:10px;vertical-align:middle;background:#eaeef2}
.verdict.drift{background:#ffebe9;color:#a40e26}.verdict.no-drift{background:#dafbe1;color:#116329}
.verdict.insufficient-data{background:#fff8c5;color:#7d4e00}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{color:#59636e}dd{margin:0}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.drifting{background:#fff1f0}
figure{display:inline-block;margin:8px 24px 16px 0;vertical-align:top}
.legend{margin:4px 0}.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}
svg text{font-size:11px;fill:#59636e}svg .grid{stroke:#eaeef2}svg .axis{stroke:#59636e}
footer{margin-top:32px;color:#59636e;font-size:12px}
`.trim();
