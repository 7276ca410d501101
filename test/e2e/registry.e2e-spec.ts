// The model registry as an operator meets it: the gateway's bearer-protected admin API and the
// CLI, on the platform as `make up` starts it. Registering, the promotion gate, racing alias
// changes, and the loop that closes: moving `champion` makes inference swap and /predict answer
// with the new version.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

const root = process.cwd();
const DEMO = path.resolve('models/sentiment-demo');
let platform: E2eStack;
let gateway: string;
let token: string;

interface Card {
  training: { run_id: string };
  dataset: { content_sha256?: string };
  metrics: { handwritten: { model: { accuracy: number; macro_f1: number } } };
}

function modelDir(name: string, edit: (card: Card) => void): string {
  const dir = path.join(platform.stateDir, 'models', name);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(DEMO))
    fs.copyFileSync(path.join(DEMO, file), path.join(dir, file));
  const file = path.join(dir, 'model-card.json');
  const card = JSON.parse(fs.readFileSync(file, 'utf8')) as Card;
  edit(card);
  fs.writeFileSync(file, JSON.stringify(card));
  return dir;
}

async function api(method: string, route: string, body?: unknown, bearer: string | null = token) {
  const res = await fetch(`${gateway}${route}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/sentimentops.js', ...args], {
    cwd: root,
    env: { ...platform.env, SENTIMENTOPS_URL: gateway },
    encoding: 'utf8',
  });

describe('the model registry through the gateway admin API and the CLI', () => {
  beforeAll(async () => {
    platform = await e2eStack('registry');
    gateway = platform.url('gateway');
    await platform.stack('up');
    token = fs.readFileSync(path.join(platform.stateDir, 'admin-token'), 'utf8').trim();
  });

  afterAll(() => platform?.stack('down').catch(() => undefined));

  it('needs a valid admin token: 401 without, 403 with a wrong one', async () => {
    expect((await api('GET', '/api/models/sentiment/versions', undefined, null)).status).toBe(401);
    expect(
      (await api('GET', '/api/models/sentiment/versions', undefined, 'x'.repeat(32))).status,
    ).toBe(403);
  });

  it('shows the bundled model as version 1, champion, with its lineage', async () => {
    const { status, body } = await api('GET', '/api/models/sentiment/versions');
    expect(status).toBe(200);
    expect(body.versions).toEqual([
      expect.objectContaining({ version: '1', status: 'champion', aliases: ['champion'] }),
    ]);
    const lineage = await api('GET', '/api/models/sentiment/versions/1/lineage');
    expect(lineage.status).toBe(200);
    const sha = (lineage.body as { dataset: { contentSha256: string } }).dataset.contentSha256;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const back = await api('GET', `/api/datasets/${sha}/lineage`);
    expect(
      (back.body as { versions: { version: string }[] }).versions.map((v) => v.version),
    ).toEqual(['1']);
    expect((await api('GET', '/api/models/nope/versions')).status).toBe(404);
    expect((await api('GET', '/api/models/sentiment/versions/7')).status).toBe(404);
    expect((await api('GET', '/api/models/sentiment/versions/v1')).status).toBe(400);
  });

  it('registers once (201, then 200 with the same version), refuses a malformed card with 422', async () => {
    const dir = modelDir('v2', (card) => {
      card.training.run_id = 'e2e-run-2';
      card.metrics.handwritten.model.accuracy = 0.86;
      card.metrics.handwritten.model.macro_f1 = 0.86;
    });
    const first = await api('POST', '/api/models/sentiment/versions', { artifactUri: dir });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, version: { version: '2' } });
    const again = await api('POST', '/api/models/sentiment/versions', { artifactUri: dir });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: { version: '2' } });

    const broken = modelDir('broken', (card) => delete card.dataset.content_sha256);
    const refused = await api('POST', '/api/models/sentiment/versions', { artifactUri: broken });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('dataset.content_sha256');
  });

  it('lets one of two racing alias changes win and answers the other 409', async () => {
    const set = await api('PUT', '/api/models/sentiment/aliases/challenger', {
      version: '2',
      reason: 'retrained',
    });
    expect(set.status).toBe(200);
    expect(set.body.gate).toMatchObject({ passed: true, comparedWithVersion: '1' });
    const revision = (set.body as { alias: { revision: number } }).alias.revision;
    const racing = await Promise.all(
      ['alice', 'bob'].map((who) =>
        api('PUT', '/api/models/sentiment/aliases/challenger', {
          version: null,
          reason: `${who} stops the canary`,
          expectedRevision: revision,
        }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(
      (
        await api('PUT', '/api/models/sentiment/aliases/challenger', {
          version: '2',
          reason: 'again',
        })
      ).status,
    ).toBe(200);
  });

  it('moves champion only with an override, and /predict follows it', async () => {
    const refused = await api('PUT', '/api/models/sentiment/aliases/champion', {
      version: '2',
      reason: 'no rollout',
    });
    expect(refused.status).toBe(400);
    const moved = await api('PUT', '/api/models/sentiment/aliases/champion', {
      version: '2',
      reason: 'promote by hand in the e2e test',
      override: true,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.previousVersion).toBe('1');

    // Inference hears model.alias-changed.v1, loads v2 and swaps: the loop closes.
    const deadline = Date.now() + 60_000;
    let version = '';
    while (Date.now() < deadline && version !== '2') {
      const res = await fetch(`${gateway}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'A warm, funny and moving film.' }),
      });
      version = ((await res.json()) as { model: { version: string } }).model.version;
      if (version !== '2') await new Promise((r) => setTimeout(r, 250));
    }
    expect(version).toBe('2');
  });

  it('lets the CLI list versions, show lineage and aliases', () => {
    const list = cli('models', 'list', '--json');
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    const versions = (
      JSON.parse(list.stdout) as { versions: { version: string; status: string }[] }
    ).versions;
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      ['2', 'champion'],
      ['1', 'previous'],
    ]);
    const aliases = cli('models', 'alias');
    expect(aliases.status).toBe(0);
    expect(aliases.stdout).toMatch(/champion\s+.*2/);
    const lineage = cli('models', 'lineage', '2');
    expect(lineage.status).toBe(0);
    expect(lineage.stdout).toContain('e2e-run-2');
  });
});
