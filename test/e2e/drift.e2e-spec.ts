// Drift and live quality on the platform as `make up` starts it: predictions served by inference
// are logged (prediction.logged.v1), stored by drift, checked against the served version's
// reference profile; feedback posted to the gateway becomes measured accuracy; the report is
// served as JSON and as an HTML page, and the CLI reads it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type DomElement, launchChromium, watchedPage } from '../support/browser.js';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

const root = process.cwd();
let platform: E2eStack;
let gateway: string;
let token: string;

interface Report {
  id: string;
  status: string;
  n: number;
  features: { name: string; psi: number | null; ks_statistic: number | null }[];
  quality: { labelled: number; accuracy: number | null; estimatedAccuracy: number | null };
}

const REVIEWS = fs
  .readFileSync(path.join(root, 'training/data/handwritten-dev/reviews.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; label: string });

async function post(route: string, body: unknown, bearer?: string) {
  const res = await fetch(`${gateway}${route}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * The report as a person sees it in a real Chromium: the title and verdict, one statistics row
 * per feature with its PSI as text, the live-quality figures, and one chart per feature whose bars
 * are laid out with a height (asserted on the rendered DOM, not on pixels).
 */
async function expectReportRendersInChromium(report: Report): Promise<void> {
  const browser = await launchChromium();
  try {
    const { page, problems } = await watchedPage(browser, { authorization: `Bearer ${token}` });
    const response = await page.goto(`${gateway}/api/drift/reports/${report.id}`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toMatch(/^Drift report: sentiment v\d+ \((drift|no-drift)/);
    await expect(page.locator('h1 .verdict').innerText()).resolves.toMatch(report.status);
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(report.features.length);
    const tokenLength = await rows.filter({ hasText: 'token_length' }).innerText();
    const psi = report.features.find((f) => f.name === 'token_length')!.psi;
    expect(tokenLength).toContain(psi === null ? '–' : psi.toFixed(4));
    const quality = await page.locator('section', { hasText: 'Live quality' }).innerText();
    expect(quality).toContain('Labelled predictions');
    expect(quality).toContain(report.quality.accuracy!.toFixed(4));
    const charts = page.locator('section svg');
    expect(await charts.count()).toBeGreaterThanOrEqual(1);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box && box.width > 100 && box.height > 50).toBe(true);
      const heights = await chart
        .locator('rect')
        .evaluateAll((bars) =>
          (bars as unknown as DomElement[]).map((bar) => bar.getBoundingClientRect().height),
        );
      expect(heights.some((h) => h > 0)).toBe(true);
    }
    expect(await page.locator('footer').innerText()).toContain(report.id);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}

describe('drift and live quality through the gateway and the CLI', () => {
  beforeAll(async () => {
    platform = await e2eStack('drift', {
      SENTIMENTOPS_MLFLOW: 'off',
      DRIFT_MIN_SAMPLES: '50',
      DRIFT_CHECK_INTERVAL_S: '0',
    });
    gateway = platform.url('gateway');
    await platform.stack('up');
    token = fs.readFileSync(path.join(platform.stateDir, 'admin-token'), 'utf8').trim();
  });

  afterAll(() => platform?.stack('down').catch(() => undefined));

  it('checks the logged predictions and measures accuracy on the feedback', async () => {
    // Hand-written reviews, served in batches: each prediction is logged for drift.
    const texts = REVIEWS.slice(0, 120);
    const predictions: { id: string; label: string }[] = [];
    for (let i = 0; i < texts.length; i += 40) {
      const { status, body } = await post('/predict', {
        texts: texts.slice(i, i + 40).map((r) => r.text),
      });
      expect(status).toBe(200);
      predictions.push(...(body.predictions as { id: string; label: string }[]));
    }
    // The true labels of the first 60 become feedback.
    for (let i = 0; i < 60; i++) {
      const { status, body } = await post('/feedback', {
        predictionId: predictions[i].id,
        label: texts[i].label,
      });
      expect(status).toBe(202);
      expect(body.feedbackId).toMatch(/^[0-9a-f-]{36}$/);
    }
    const expected =
      predictions.slice(0, 60).filter((p, i) => p.label === texts[i].label).length / 60;

    let report: Report | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { status, body } = await post('/api/drift/check', { windowMinutes: 30 }, token);
      expect(status).toBe(200);
      report = body as unknown as Report;
      if (report.n === 120 && report.quality.labelled === 60) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(report).toMatchObject({ n: 120, quality: { labelled: 60 } });
    expect(report!.status).toMatch(/^(drift|no-drift)$/);
    expect(report!.quality.accuracy).toBeCloseTo(expected, 10);
    expect(report!.features.map((f) => f.name)).toContain('token_length');

    const html = await fetch(`${gateway}/api/drift/reports/${report!.id}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/html' },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<svg');
    await expectReportRendersInChromium(report!);

    const cli = spawnSync(
      process.execPath,
      ['bin/sentimentops.js', 'drift', 'report', report!.id, '--json'],
      { cwd: root, env: { ...platform.env, SENTIMENTOPS_URL: gateway }, encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect((JSON.parse(cli.stdout) as { report: Report }).report.id).toBe(report!.id);
  });

  it('refuses feedback without a label or with both a prediction id and a text', async () => {
    expect((await post('/feedback', { predictionId: crypto.randomUUID() })).status).toBe(400);
    expect(
      (await post('/feedback', { predictionId: crypto.randomUUID(), text: 'x', label: 'positive' }))
        .status,
    ).toBe(400);
    expect((await post('/api/drift/check', {})).status).toBe(401);
  });
});
