/**
 * Every admin route of the gateway has a `sentimentops` command. The routes are read from the
 * gateway's own controllers (Nest's route metadata on every `*.controller.ts`, so a new route is
 * seen without editing this file); each command below runs the whole CLI in-process against a
 * recording HTTP server that refuses everything with 404 (but lists the aliases, which a command
 * that moves one reads first for their revision), so the last request a command sends is the
 * route it covers.
 */
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sendJson, startTestServer, type TestServer } from './testing/cli.testing.js';
import { runMain } from './testing/run-main.js';

const GATEWAY_SRC = join(__dirname, '..', '..', 'apps', 'gateway', 'src');
const RUN_ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const SHA = 'a'.repeat(64);
const ALIAS = {
  alias: 'challenger',
  version: '6',
  revision: 2,
  updatedBy: 'alice',
  reason: 'earlier run',
  updatedAt: '2026-01-02T03:04:05.000Z',
};

/** The commands an operator uses for each admin operation. */
const COMMANDS: string[][] = [
  ['info'],
  ['models', 'list'],
  ['models', 'register', 'file:///models/v7'],
  ['models', 'show', '7'],
  ['models', 'lineage', '7'],
  ['models', 'lineage', '--dataset', SHA],
  ['models', 'alias'],
  ['models', 'alias', 'challenger', '7', '--reason', 'manual test'],
  ['drift', 'check'],
  ['drift', 'reports'],
  ['drift', 'report', RUN_ID],
  ['pipeline', 'run', '--reason', 'manual retraining'],
  ['pipeline', 'list'],
  ['pipeline', 'status', RUN_ID],
  ['pipeline', 'cancel', RUN_ID],
  ['pipeline', 'retry', RUN_ID],
  ['rollout', 'start', '7', '--reason', 'new model'],
  ['rollout', 'list'],
  ['rollout', 'status'],
  ['rollout', 'pause'],
  ['rollout', 'resume'],
  ['rollout', 'promote'],
  ['rollout', 'rollback'],
];

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
}

function controllerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return controllerFiles(path);
    return entry.name.endsWith('.controller.ts') ? [path] : [];
  });
}

function joinPath(...parts: string[]): string {
  return (
    '/' +
    parts
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter(Boolean)
      .join('/')
  );
}

/** The routes of every controller or handler guarded by a guard (the admin token's). */
function adminRoutes(): Route[] {
  const routes: Route[] = [];
  for (const file of controllerFiles(GATEWAY_SRC)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(file) as Record<string, unknown>;
    for (const controller of Object.values(exported)) {
      if (typeof controller !== 'function') continue;
      const prefix = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
      if (prefix === undefined) continue;
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as unknown[];
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        const guards = (Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[];
        if (classGuards.length + guards.length === 0) continue;
        for (const path of [paths].flat()) {
          const full = joinPath(prefix, path);
          const pattern = new RegExp(`^${full.replace(/:[A-Za-z0-9_]+/g, '[^/?]+')}(\\?.*)?$`);
          routes.push({ method: RequestMethod[method], path: full, pattern });
        }
      }
    }
  }
  return routes;
}

describe('admin routes and the CLI', () => {
  let server: TestServer;
  const env = (): Record<string, string> => ({
    SENTIMENTOPS_URL: server.url,
    SENTIMENTOPS_ADMIN_TOKEN: 'admin-tok',
  });

  beforeAll(async () => {
    server = await startTestServer((request, response) =>
      request.method === 'GET' && request.url === '/api/models/sentiment/aliases'
        ? sendJson(response, 200, { aliases: [ALIAS] })
        : sendJson(response, 404, {
            statusCode: 404,
            code: 'NOT_FOUND',
            message: `nothing at ${request.method} ${request.url}`,
          }),
    );
  });
  afterAll(() => server.close());

  it('finds the gateway admin routes', () => {
    const routes = adminRoutes().map((r) => `${r.method} ${r.path}`);
    // A few known ones, so a broken discovery cannot pass the test below with nothing to check.
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /api/platform/apps',
        'PUT /api/models/:name/aliases/:alias',
        'POST /api/rollouts/current/rollback',
      ]),
    );
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it('has a command for every admin route, and every listed command calls one', async () => {
    const routes = adminRoutes();
    const covered = new Set<string>();
    const strays: string[] = [];
    for (const argv of COMMANDS) {
      const before = server.requests.length;
      await runMain([...argv], { env: env() });
      const sent = server.requests.slice(before);
      const last = sent.filter((request) => request.url.startsWith('/api/')).at(-1);
      const route =
        last && routes.find((r) => r.method === last.method && r.pattern.test(last.url));
      if (route) covered.add(`${route.method} ${route.path}`);
      else strays.push(`${argv.join(' ')} -> ${last ? `${last.method} ${last.url}` : 'nothing'}`);
    }
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((r) => !covered.has(r));
    expect({ missing, strays }).toEqual({ missing: [], strays: [] });
  });

  it('has help on every command', async () => {
    for (const argv of COMMANDS) {
      const path = argv.filter((word) => /^[a-z]+$/.test(word)).slice(0, 2);
      const run = await runMain([...path, '--help'], { env: env() });
      expect({ path, code: run.code }).toEqual({ path, code: 0 });
      expect(run.stdout).toMatch(/^Usage: sentimentops /);
    }
  });
});
