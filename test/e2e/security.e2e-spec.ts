// The public and admin API as an attacker meets it, on the platform as `make up` starts it: every
// admin route refuses a missing (401) or wrong (403) bearer token; injection strings through every
// field a client controls get a 4xx or a normal answer, never a 5xx, and change nothing; and the
// per-client rate limit answers 429 with Retry-After. (The guard compares SHA-256 digests with
// timingSafeEqual, apps/gateway/src/auth/admin-token.guard.ts. A tampered model artifact is
// refused by inference: test/integration/inference-serving.int-spec.ts, "refuses an artifact
// whose sha256 does not match its card".)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { e2eStack, type E2eStack } from '../support/e2e-stack.js';

let platform: E2eStack;
let gateway: string;
let token: string;

/** Every admin route, from the gateway's controllers (models, datasets, drift, pipelines, rollouts, platform). */
const ADMIN_ROUTES: [string, string][] = [
  ['GET', '/api/models/sentiment/versions'],
  ['POST', '/api/models/sentiment/versions'],
  ['GET', '/api/models/sentiment/versions/1'],
  ['GET', '/api/models/sentiment/versions/1/lineage'],
  ['GET', '/api/models/sentiment/aliases'],
  ['PUT', '/api/models/sentiment/aliases/champion'],
  ['GET', `/api/datasets/${'a'.repeat(64)}/lineage`],
  ['POST', '/api/drift/check'],
  ['GET', '/api/drift/reports'],
  ['GET', '/api/drift/reports/00000000-0000-4000-8000-000000000000'],
  ['POST', '/api/pipelines'],
  ['GET', '/api/pipelines'],
  ['GET', '/api/pipelines/00000000-0000-4000-8000-000000000000'],
  ['POST', '/api/pipelines/00000000-0000-4000-8000-000000000000/cancel'],
  ['POST', '/api/pipelines/00000000-0000-4000-8000-000000000000/retry'],
  ['POST', '/api/rollouts'],
  ['GET', '/api/rollouts'],
  ['GET', '/api/rollouts/current'],
  ['POST', '/api/rollouts/current/pause'],
  ['POST', '/api/rollouts/current/resume'],
  ['POST', '/api/rollouts/current/promote'],
  ['POST', '/api/rollouts/current/rollback'],
  ['GET', '/api/platform/apps'],
];

const INJECTIONS = [
  "' OR 1=1 --",
  '"; DROP TABLE models; --',
  '{"$gt": ""}',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  'sentiment.>',
  '*',
  'sentiment.*.champion',
  'a\r\nSet-Cookie: injected=1',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor.prototype',
];

async function call(method: string, route: string, body?: unknown, auth = true) {
  const res = await fetch(`${gateway}${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(auth ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

/** A 4xx, or a normal answer; never a 5xx, never a header the input wrote. */
function harmless(answer: { status: number; headers: Headers; text: string }, what: string) {
  expect({ what, status: answer.status < 500 }).toEqual({ what, status: true });
  expect(answer.headers.get('set-cookie')).toBeNull();
}

describe('security of the public and admin API', () => {
  beforeAll(async () => {
    platform = await e2eStack('security', {
      GATEWAY_RATE_LIMIT_RPS: '1',
      GATEWAY_RATE_LIMIT_BURST: '64',
      SENTIMENTOPS_MLFLOW: 'off',
    });
    gateway = platform.url('gateway');
    await platform.stack('up');
    token = readFileSync(join(platform.stateDir, 'admin-token'), 'utf8').trim();
  });

  afterAll(() => platform?.stack('down').catch(() => undefined));

  it.each(ADMIN_ROUTES)(
    '%s %s: 401 without a token, 403 with a wrong one',
    async (method, route) => {
      expect((await call(method, route, method === 'GET' ? undefined : {}, false)).status).toBe(
        401,
      );
      const basic = await fetch(`${gateway}${route}`, {
        method,
        headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      });
      expect(basic.status).toBe(401);
      for (const wrong of [`${token}x`, token.slice(0, -1), 'x'.repeat(token.length)]) {
        const res = await fetch(`${gateway}${route}`, {
          method,
          headers: { authorization: `Bearer ${wrong}`, 'content-type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        expect(res.status).toBe(403);
      }
    },
  );

  it('takes injection strings through every client field without a 5xx or an effect', async () => {
    const before = {
      versions: (await call('GET', '/api/models/sentiment/versions')).text,
      aliases: (await call('GET', '/api/models/sentiment/aliases')).text,
      pipelines: (await call('GET', '/api/pipelines')).text,
      rollout: (await call('GET', '/api/rollouts/current')).status,
    };
    // The predictions below are the budget's only spenders: 1 text a second, 64 at once.
    const batch = await call('POST', '/predict', { texts: INJECTIONS });
    expect(batch.status).toBe(200);
    expect((JSON.parse(batch.text) as { predictions: unknown[] }).predictions).toHaveLength(
      INJECTIONS.length,
    );
    for (const s of INJECTIONS) {
      const e = encodeURIComponent(s);
      const answers = await Promise.all([
        call('POST', '/feedback', { predictionId: s, label: 'positive' }),
        call('POST', '/feedback', {
          predictionId: '00000000-0000-4000-8000-000000000000',
          label: s,
        }),
        call('GET', `/api/models/${e}/versions`),
        call('GET', `/api/models/sentiment/versions/${e}`),
        call('GET', `/api/models/sentiment/versions/${e}/lineage`),
        call('PUT', `/api/models/sentiment/aliases/${e}`, { version: s, reason: s }),
        call('PUT', '/api/models/sentiment/aliases/challenger', { version: s, reason: s }),
        call('POST', '/api/models/sentiment/versions', { artifactUri: s, version: s }),
        call('GET', `/api/datasets/${e}/lineage`),
        call('GET', `/api/drift/reports/${e}`),
        call('GET', `/api/drift/reports?model=${e}&limit=${e}`),
        call('POST', '/api/drift/check', { model: s, window: s }),
        call('GET', `/api/pipelines?state=${e}&limit=${e}`),
        call('GET', `/api/pipelines/${e}`),
        call('POST', `/api/pipelines/${e}/cancel`, { reason: s }),
        call('POST', '/api/pipelines', { trigger: s, config: s, model: s }),
        call('POST', '/api/rollouts', { model: s, version: s, mode: s }),
        call('GET', `/api/rollouts?state=${e}`),
        call('GET', `/api/rollouts/current?model=${e}`),
        call('GET', `/v2/models/${e}`),
        call('GET', `/v2/models/sentiment/versions/${e}/ready`),
      ]);
      answers.forEach((a, i) => harmless(a, `${s} #${i}`));
    }
    // Prototype pollution through JSON bodies: refused or ignored, and nothing else changes.
    for (const polluted of [
      '{"text": "fine", "__proto__": {"polluted": true}}',
      '{"text": "fine", "constructor": {"prototype": {"polluted": true}}}',
    ]) {
      harmless(await call('POST', '/predict', polluted), polluted);
      harmless(await call('POST', '/api/rollouts', polluted), polluted);
      harmless(await call('POST', '/api/pipelines', polluted), polluted);
      harmless(await call('POST', '/feedback', polluted), polluted);
    }
    expect((await call('GET', '/api/models/sentiment/versions')).text).toBe(before.versions);
    expect((await call('GET', '/api/models/sentiment/aliases')).text).toBe(before.aliases);
    expect((await call('GET', '/api/pipelines')).text).toBe(before.pipelines);
    expect((await call('GET', '/api/rollouts/current')).status).toBe(before.rollout);
    // A later ordinary request behaves ordinarily: no field it did not ask for.
    const later = await call('POST', '/predict', { text: 'A warm and funny film.' });
    expect(later.status).toBe(200);
    expect(Object.keys(JSON.parse(later.text) as object).sort()).toEqual(
      ['id', 'label', 'model', 'probabilities', 'score', 'truncated'].sort(),
    );
  });

  it('limits predictions per client: 429 with Retry-After once the burst is spent', async () => {
    const texts = Array(64).fill('spend the burst');
    let refused: Response | undefined;
    for (let i = 0; i < 3 && !refused; i++) {
      const res = await fetch(`${gateway}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ texts }),
      });
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused?.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await refused!.json()).toMatchObject({ statusCode: 429, error: 'RESOURCE_EXHAUSTED' });
  });
});
