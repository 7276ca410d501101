import { type DriftReportView } from '@sentimentops/contracts';
import { type DriftBins, escapeHtml, renderReportHtml } from './report-html.js';

const report: DriftReportView = {
  id: '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  status: 'drift',
  severity: 'alert',
  modelName: 'sentiment',
  modelVersion: '3',
  windowStart: '2026-01-02T02:00:00.000Z',
  windowEnd: '2026-01-02T03:00:00.000Z',
  n: 1200,
  minSamples: 500,
  features: [
    {
      name: 'score',
      kind: 'numeric',
      psi: 0.31,
      ks_statistic: 0.21,
      ks_pvalue: 1.2e-9,
      ks_method: 'asymp',
      chi2_statistic: null,
      chi2_pvalue: null,
      p_adjusted: 3.6e-9,
      drifting: true,
    },
    {
      name: 'label',
      kind: 'categorical',
      psi: 0.02,
      ks_statistic: null,
      ks_pvalue: null,
      ks_method: null,
      chi2_statistic: 1.7,
      chi2_pvalue: 0.19,
      p_adjusted: 0.38,
      drifting: false,
    },
  ],
  quality: { labelled: 40, accuracy: 0.875, estimatedAccuracy: 0.91 },
  trigger: 'manual',
  requestedBy: 'alice',
  createdAt: '2026-01-02T03:00:01.000Z',
};

const bins: DriftBins = {
  score: {
    kind: 'numeric',
    // As JSON carries them: the open outer edges arrive as null.
    edges: [null, 0.2, 0.4, 0.8, null],
    reference: [0.25, 0.25, 0.3, 0.2],
    current: [0.1, 0.2, 0.3, 0.4],
  },
  label: {
    kind: 'categorical',
    labels: ['negative', 'positive'],
    reference: [0.5, 0.5],
    current: [0.45, 0.55],
  },
};

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('renderReportHtml', () => {
  const html = renderReportHtml({ report, bins });

  it('is one page whose title names model, version, status and severity', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>Drift report: sentiment v3 (drift, alert)</title>');
    expect(html).toContain('<span class="verdict drift">drift, alert</span>');
  });

  it('needs nothing from outside: no script, no link, no external reference', () => {
    for (const banned of ['<script', '<link', ' src=', ' href=', 'url(', '@import'])
      expect([banned, html.includes(banned)]).toEqual([banned, false]);
  });

  it('summarises the window and the sample against its minimum', () => {
    expect(html).toContain(
      '<dt>Window</dt><dd>2026-01-02T02:00:00.000Z to 2026-01-02T03:00:00.000Z (60 min)</dd>',
    );
    expect(html).toContain('<dd>1200 predictions; at least 500 needed</dd>');
    expect(html).toContain('<dt>Trigger</dt><dd>manual, by alice</dd>');
  });

  it('has one statistics row per feature with its numbers', () => {
    expect(html).toContain(
      '<tr class="drifting"><th scope="row">score</th><td>numeric</td>' +
        '<td class="num">0.3100</td><td class="num">0.2100</td><td class="num">1.2e-9</td>' +
        '<td class="num">asymp</td><td class="num">–</td><td class="num">–</td>' +
        '<td class="num">3.6e-9</td><td><strong>yes</strong></td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row">label</th><td>categorical</td>' +
        '<td class="num">0.0200</td><td class="num">–</td><td class="num">–</td>' +
        '<td class="num">–</td><td class="num">1.70</td><td class="num">0.1900</td>' +
        '<td class="num">0.3800</td><td>no</td></tr>',
    );
    expect(html).toContain('<th scope="col">Holm-adjusted p</th>');
  });

  it('shows live quality', () => {
    expect(html).toContain('<dt>Labelled predictions</dt><dd>40</dd>');
    expect(html).toContain('<dt>Accuracy (from feedback)</dt><dd>0.8750</dd>');
    expect(html).toContain('<dt>Estimated accuracy (from confidence)</dt><dd>0.9100</dd>');
  });

  it('draws one chart per feature, two bars per bin, with a legend', () => {
    expect(count(html, '<svg')).toBe(2);
    expect(count(html, '<rect')).toBe(2 * 4 + 2 * 2);
    expect(count(html, 'class="legend"')).toBe(2);
    expect(html).toContain('background:#4c78a8"></span>reference');
    expect(html).toContain('background:#f58518"></span>current');
    expect(count(html, 'fill="#4c78a8"')).toBe(6);
    expect(count(html, 'fill="#f58518"')).toBe(6);
  });

  it('labels numeric bins by their edges and categorical ones by name', () => {
    for (const label of ['&lt; 0.2', '0.2–0.4', '0.4–0.8', '≥ 0.8', 'negative', 'positive'])
      expect([label, html.includes(`>${label}</text>`)]).toEqual([label, true]);
    expect(html).toContain('<title>0.2–0.4: reference 25%</title>');
    expect(html).toContain('<title>≥ 0.8: current 40%</title>');
    expect(html).toContain('<title>positive: current 55%</title>');
  });

  it('scales bars to the largest share: 0.4 fills the plot, 0.2 half of it', () => {
    // Plot 148 px high (228 less margins 16 and 64); y axis up to 40%.
    expect(html).toMatch(/height="148"[^>]*><title>≥ 0\.8: current 40%<\/title>/);
    expect(html).toMatch(/height="74"[^>]*><title>0\.2–0\.4: current 20%<\/title>/);
  });

  it('escapes every name that comes from data', () => {
    const hostile = '<script>alert(1)</script>';
    const feature = '"><img src=x onerror=alert(2)>';
    const category = `<b onclick='x'>&amp`;
    const page = renderReportHtml({
      report: {
        ...report,
        modelName: hostile,
        requestedBy: hostile,
        features: [{ ...report.features[1], name: feature, ks_method: hostile }],
      },
      bins: { [feature]: { ...bins.label, labels: [category, hostile] } },
    });
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b ');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('<title>&lt;b onclick=&#39;x&#39;&gt;&amp;amp: reference 50%</title>');
    // Under the axis, cut to 14 characters before it is escaped.
    expect(page).toContain('>&lt;b onclick=&#39;x…</text>');
    expect(page).toContain(
      `aria-label="Reference and current shares per bin of ${escapeHtml(feature)}"`,
    );
    expect(count(page, '<svg')).toBe(1);
  });

  it('says so when a feature has no histogram, and pads a short series with 0', () => {
    const page = renderReportHtml({
      report,
      bins: { score: { ...bins.score, current: [0.5, 0.5] } },
    });
    expect(count(page, '<svg')).toBe(1);
    expect(page).toContain('No histogram was recorded for this feature.');
    expect(page).toContain('<title>≥ 0.8: current 0%</title>');
  });

  it('shows an insufficient-data report without a severity or accuracy', () => {
    const page = renderReportHtml({
      report: {
        ...report,
        status: 'insufficient-data',
        severity: null,
        n: 120,
        features: [],
        quality: { labelled: 0, accuracy: null, estimatedAccuracy: null },
      },
      bins: {},
    });
    expect(page).toContain('<title>Drift report: sentiment v3 (insufficient-data)</title>');
    expect(page).toContain('<dd>120 predictions; at least 500 needed: too few for a verdict</dd>');
    expect(page).toContain('<dt>Severity</dt><dd>–</dd>');
    expect(page).toContain('<dt>Accuracy (from feedback)</dt><dd>–</dd>');
    expect(page).toContain('No features were compared.');
    expect(page).not.toContain('<svg');
  });
});
