// The platform as a user runs it: `make up`'s stack script starts NATS, PostgreSQL and the five
// apps (on ports of their own, beside any running local stack), every app answers health and
// metrics, a request through the gateway crosses NATS to each app, the CLI reports on them, and
// `down` stops it all.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DomElement, launchChromium, watchedPage } from '../support/browser.js';
import { e2eStack, type E2eStack, type StackApp } from '../support/e2e-stack.js';

const APPS = ['gateway', 'inference', 'registry', 'drift', 'trainer-controller'] as const;
const root = process.cwd();
let platform: E2eStack;
let env: E2eStack['env'];
let stateDir: string;
const stack = (command: 'up' | 'down' | 'status') => platform.stack(command);
const appUrl = (app: StackApp) => platform.url(app);

function expectedCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

describe('local platform, end to end', () => {
  let token: string;

  beforeAll(async () => {
    platform = await e2eStack('smoke', { LOG_LEVEL: 'debug' });
    ({ env, stateDir } = platform);
    const { stdout } = await stack('up');
    expect(stdout).toContain(appUrl('gateway'));
    expect(stdout).toContain('admin-token');
    token = readFileSync(join(stateDir, 'admin-token'), 'utf8').trim();
  });

  afterAll(async () => {
    await stack('down').catch(() => undefined);
  });

  it.each(APPS)('%s is live and ready, and serves Prometheus metrics', async (app) => {
    expect((await fetch(`${appUrl(app)}/health/live`)).status).toBe(200);
    const ready = await fetch(`${appUrl(app)}/health/ready`);
    expect(ready.status).toBe(200);
    const checks = ((await ready.json()) as { details: Record<string, unknown> }).details;
    expect(Object.keys(checks)).toEqual(
      expect.arrayContaining(
        app === 'registry' || app === 'drift' || app === 'trainer-controller'
          ? ['nats', 'database']
          : ['nats'],
      ),
    );
    const metrics = await (await fetch(`${appUrl(app)}/metrics`)).text();
    expect(metrics).toContain(`process_resident_memory_bytes{app="${app}"}`);
    expect(metrics).toContain('# TYPE http_server_request_duration_seconds histogram');
  });

  it('answers, through the gateway and over NATS, for every app: name, version, commit', async () => {
    const response = await fetch(`${appUrl('gateway')}/api/platform/apps`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'e2e-smoke-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('e2e-smoke-1');
    const { apps } = (await response.json()) as { apps: Record<string, unknown>[] };
    const version = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
    ).version;
    expect(apps.map((a) => a.app)).toEqual([...APPS]);
    for (const app of apps) {
      expect(app).toMatchObject({
        reachable: true,
        ready: true,
        version,
        commit: expectedCommit(),
      });
    }
    // The request id crossed NATS: the registry logged its handling under the same id.
    const log = readFileSync(join(stateDir, 'logs', 'registry.log'), 'utf8');
    expect(log).toMatch(
      /"requestId":"e2e-smoke-1".*platform\.info\.v1\.registry|platform\.info\.v1\.registry.*"requestId":"e2e-smoke-1"/,
    );
  });

  it('keeps the admin API behind the token', async () => {
    expect((await fetch(`${appUrl('gateway')}/api/platform/apps`)).status).toBe(401);
    const wrong = await fetch(`${appUrl('gateway')}/api/platform/apps`, {
      headers: { authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(403);
  });

  it('serves the OpenAPI UI at /docs', async () => {
    const docs = await fetch(`${appUrl('gateway')}/docs-json`);
    expect(docs.status).toBe(200);
    expect(((await docs.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty(
      '/api/platform/apps',
    );
  });

  it('renders /docs in Chromium, and its "Try it out" answers a prediction', async () => {
    const browser = await launchChromium();
    try {
      const { page, problems } = await watchedPage(browser);
      expect((await page.goto(`${appUrl('gateway')}/docs`))?.status()).toBe(200);
      await expect(page.locator('.info .title').innerText()).resolves.toContain(
        'SentimentOps gateway',
      );
      // Every route of the document is listed, the admin ones with their padlock.
      const paths = await page
        .locator('.opblock-summary-path')
        .evaluateAll((spans) =>
          (spans as unknown as DomElement[]).map((span) => span.getAttribute('data-path')),
        );
      expect(paths).toEqual(
        expect.arrayContaining([
          '/predict',
          '/feedback',
          '/api/rollouts',
          '/v2/models/{name}/infer',
        ]),
      );
      const locks = (path: string) =>
        page
          .locator('.opblock', { has: page.locator(`.opblock-summary-path[data-path="${path}"]`) })
          .locator('.authorization__btn')
          .count();
      expect(await locks('/api/rollouts')).toBeGreaterThan(0);
      expect(await locks('/predict')).toBe(0);
      const predict = page.locator('.opblock-post', {
        has: page.locator('.opblock-summary-path[data-path="/predict"]'),
      });
      await predict.locator('.opblock-summary').click();
      await predict.getByRole('button', { name: 'Try it out' }).click();
      await predict
        .locator('textarea.body-param__text')
        .fill('{"text": "A wonderful, moving film."}');
      await predict.getByRole('button', { name: 'Execute' }).click();
      const live = predict.locator('.live-responses-table');
      const answer = live.locator('tbody tr.response');
      await expect(answer.locator('.response-col_status').innerText()).resolves.toBe('200');
      const body = await answer.locator('.response-col_description pre').first().innerText();
      expect(JSON.parse(body)).toMatchObject({
        label: 'positive',
        model: { name: 'sentiment' },
      });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('lets the CLI report status and info from the state folder', () => {
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['bin/sentimentops.js', ...args], {
        cwd: root,
        env: { ...env, SENTIMENTOPS_URL: appUrl('gateway') },
        encoding: 'utf8',
      });
    const status = cli(['status', '--json']);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('trainer-controller');
    const table = cli(['info']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('registry');
    expect(table.stdout).not.toContain(token);
  });

  it('reuses what runs on a second `up`', async () => {
    const pids = () =>
      APPS.map((a) => readFileSync(join(stateDir, 'pids', `${a}.pid`), 'utf8').trim());
    const before = pids();
    await stack('up');
    expect(pids()).toEqual(before);
  });

  it('refuses a bad configuration naming every bad key', () => {
    const result = spawnSync(process.execPath, ['dist/apps/registry/src/main.js'], {
      cwd: root,
      env: {
        ...env,
        REGISTRY_HTTP_PORT: 'eighty',
        NATS_URL: 'http://nats',
        DATABASE_URL: 'mysql://x',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('REGISTRY_HTTP_PORT');
    expect(result.stderr).toContain('NATS_URL');
    expect(result.stderr).toContain('DATABASE_URL');
  });

  it('stops everything on `down`', async () => {
    await stack('down');
    for (const app of APPS) {
      await expect(fetch(`${appUrl(app)}/health/live`)).rejects.toThrow();
    }
  });
});
