// Canary rollouts on the platform as `make up` starts it, with short intervals, under steady
// /predict load. A good challenger (the bundled model as another version: it agrees with the
// champion and is as fast) walks through the steps and is promoted; a bad artifact (the bundled
// model whose card names its labels in the wrong order, a real export bug that offline metrics
// copied into the card do not catch) disagrees with the champion on the mirrored traffic and is
// rolled back. No client request fails through either.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

const root = process.cwd();
const DEMO = path.resolve('models/sentiment-demo');
const TEXTS = [
  'A warm, funny and moving film.',
  'Dull, overlong and badly acted.',
  'The blender is loud but it works well.',
  'Terrible service and cold food.',
  'I would happily watch it again.',
  'Not worth the money at all.',
];

let platform: E2eStack;
let gateway: string;
let token: string;

interface Card {
  labels: string[];
  training: { run_id: string };
}
interface Rollout {
  id: string;
  version: string;
  state: string;
  weight: number;
  stepIndex: number;
  failedChecks: number;
  reason?: string | null;
  checks: { verdict: string; reasons: string[]; weight: number }[];
  /** The registry change an ended rollout still owes (the alias move comes just after the end). */
  registryPending?: 'promote' | 'reject' | null;
}

/** Ended, and the registry has taken its promotion or rejection. */
const settled = (r: Rollout) => r.state !== 'progressing' && !r.registryPending;

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

async function api<T = Record<string, unknown>>(method: string, route: string, body?: unknown) {
  const res = await fetch(`${gateway}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Registers a model directory and makes it challenger; returns its version. */
async function challenger(dir: string): Promise<string> {
  const registered = await api<{ version: { version: string } }>(
    'POST',
    '/api/models/sentiment/versions',
    { artifactUri: dir },
  );
  expect(registered.status).toBe(201);
  const version = registered.body.version.version;
  const set = await api('PUT', '/api/models/sentiment/aliases/challenger', {
    version,
    reason: 'canary e2e',
  });
  expect(set.status).toBe(200);
  return version;
}

/** Clients sending batches without pause until stopped; every answer is counted. */
function load(workers = 3) {
  let running = true;
  const answered = new Map<string, number>(); // model version -> batches
  const failures: string[] = [];
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      const res = await fetch(`${gateway}/predict`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-sentimentops-routing-key': `client-${w}-${i % 50}`,
        },
        body: JSON.stringify({ texts: TEXTS }),
      }).catch((err: unknown) => ({ status: 0, json: () => Promise.resolve(String(err)) }));
      const body = (await res.json()) as { model?: { version: string } } | string;
      if (res.status !== 200 || typeof body === 'string' || !body.model) {
        failures.push(`${res.status} ${JSON.stringify(body)}`);
      } else {
        answered.set(body.model.version, (answered.get(body.model.version) ?? 0) + 1);
      }
    }
  });
  return {
    answered,
    failures,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function until(predicate: (r: Rollout) => boolean, timeoutMs: number): Promise<Rollout> {
  const deadline = Date.now() + timeoutMs;
  let last: Rollout | undefined;
  while (Date.now() < deadline) {
    const { status, body } = await api<Rollout>('GET', '/api/rollouts/current');
    expect(status).toBe(200);
    last = body;
    if (predicate(body)) return body;
    await sleep(500);
  }
  throw new Error(`rollout still ${JSON.stringify(last)}`);
}

describe('canary rollouts under load', () => {
  beforeAll(async () => {
    platform = await e2eStack('rollout', {
      SENTIMENTOPS_MLFLOW: 'off',
      GATEWAY_ROLLOUT_STATS_S: '1',
      ROLLOUT_MIN_REQUESTS: '5',
      ROLLOUT_MIN_COMPARED: '12',
      ROLLOUT_MIRROR_PERCENT: '50',
      ROLLOUT_FAILURE_THRESHOLD: '2',
      // One inference process serves both tracks here, on two cores shared with the load and every
      // other app: a few slow batches move a p99 measured on ~50 requests by 100 ms and more. The
      // latency rule keeps its ratio; the slack is widened (production pods: the 20 ms default).
      ROLLOUT_P99_SLACK_MS: '250',
    });
    gateway = platform.url('gateway');
    await platform.stack('up');
    token = fs.readFileSync(path.join(platform.stateDir, 'admin-token'), 'utf8').trim();
  });

  afterAll(() => platform?.stack('down').catch(() => undefined));

  it('needs the admin token', async () => {
    expect((await fetch(`${gateway}/api/rollouts/current`)).status).toBe(401);
  });

  it('promotes a good challenger step by step; no request fails on the way', async () => {
    const version = await challenger(modelDir('good', (c) => (c.training.run_id = 'canary-good')));
    const clients = load();
    try {
      const started = await api<Rollout>('POST', '/api/rollouts', {
        version,
        steps: [20, 50, 100],
        intervalSeconds: 3,
        reason: 'e2e: a good challenger',
      });
      expect(started.status).toBeLessThan(300);
      // No traffic until inference serves the challenger; then the first step.
      expect(started.body).toMatchObject({ version, state: 'progressing', weight: 0 });
      await until((r) => r.weight === 20, 60_000);

      const promoted = await until(settled, 120_000);
      expect(promoted.state).toBe('promoted');
      expect(promoted.checks.filter((c) => c.verdict === 'pass').length).toBeGreaterThanOrEqual(3);
      expect(promoted.checks.filter((c) => c.verdict === 'fail')).toEqual([]);

      const aliases = await api<{ aliases: { alias: string; version: string | null }[] }>(
        'GET',
        '/api/models/sentiment/aliases',
      );
      const by = Object.fromEntries(aliases.body.aliases.map((a) => [a.alias, a.version]));
      expect(by).toMatchObject({ champion: version, previous: '1', challenger: null });
      // Inference swaps its champion track to the promoted version; clients get it.
      const deadline = Date.now() + 60_000;
      let served = '';
      while (Date.now() < deadline && served !== version) {
        const res = await fetch(`${gateway}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: TEXTS[0] }),
        });
        served = ((await res.json()) as { model: { version: string } }).model.version;
        if (served !== version) await sleep(250);
      }
      expect(served).toBe(version);
    } finally {
      await clients.stop();
    }
    expect(clients.failures).toEqual([]);
    expect(clients.answered.get(version)).toBeGreaterThan(0);
  }, 300_000);

  it('rolls back a challenger whose answers disagree with the champion', async () => {
    const version = await challenger(
      modelDir('swapped-labels', (c) => {
        c.training.run_id = 'canary-swapped';
        c.labels = [...c.labels].reverse(); // the export bug
      }),
    );
    const clients = load();
    let ended: Rollout;
    try {
      const started = await api<Rollout>('POST', '/api/rollouts', {
        version,
        steps: [20, 50, 100],
        intervalSeconds: 3,
        reason: 'e2e: a bad challenger',
      });
      expect(started.status).toBeLessThan(300);
      ended = await until(settled, 120_000);
    } finally {
      await clients.stop();
    }
    expect(ended.state).toBe('rolled-back');
    expect(ended.weight).toBe(0);
    expect(ended.failedChecks).toBe(2);
    expect(ended.reason).toMatch(/agree/i);
    expect(clients.failures).toEqual([]);

    const detail = await api<{ status: string }>(
      'GET',
      `/api/models/sentiment/versions/${version}`,
    );
    expect(detail.body.status).toBe('rejected');

    const cli = spawnSync(process.execPath, ['bin/sentimentops.js', 'rollout', 'status'], {
      cwd: root,
      env: { ...platform.env, SENTIMENTOPS_URL: gateway, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('rolled-back');
  }, 300_000);
});
