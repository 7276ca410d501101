import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { type TestServer, unusedPort } from '../testing/cli.testing.js';
import { SHA, readyApps, startFakeGateway } from '../testing/fake-gateway.js';
import { runMain } from '../testing/run-main.js';
import { type InfoResult } from './info.command.js';

describe('sentimentops info', () => {
  let gateway: TestServer;
  let repo: string;
  let tokenFile: string;

  beforeAll(async () => {
    gateway = await startFakeGateway({
      token: 'file-token',
      gatewayReady: true,
      apps: [...readyApps(), { app: 'drift', reachable: false, error: 'no reply within 2000 ms' }],
    });
    repo = realpathSync(mkdtempSync(join(tmpdir(), 'sentimentops-cli-info-')));
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'sentimentops' }));
    mkdirSync(join(repo, '.sentimentops'));
    tokenFile = join(repo, '.sentimentops', 'admin-token');
    writeFileSync(tokenFile, 'file-token\n');
  });

  afterAll(async () => {
    await gateway.close();
    rmSync(repo, { recursive: true, force: true });
  });

  it('shows the CLI version, gateway, token source and every app build', async () => {
    const run = await runMain(['info'], { env: { SENTIMENTOPS_URL: gateway.url }, cwd: repo });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.stdout).toContain('cli version:  9.8.7');
    expect(run.stdout).toContain(`gateway url:  ${gateway.url} (env)`);
    expect(run.stdout).toContain(`token source: file ${tokenFile}`);
    expect(run.stdout).not.toContain('file-token\n');
    expect(run.stdout).toMatch(
      new RegExp(
        `│ gateway\\s+│ 0\\.1\\.0\\s+│ ${SHA.slice(0, 12)} │ host-123 │ 2026-01-02T03:04:05\\.000Z │`,
      ),
    );
    expect(run.stdout).toMatch(/│ drift \(unreachable\) │ -/);
  });

  it('prints JSON with --json', async () => {
    const run = await runMain(['info', '--json'], {
      env: { SENTIMENTOPS_URL: gateway.url },
      cwd: repo,
    });
    expect(run.code).toBe(ExitCode.Ok);
    const result = JSON.parse(run.stdout) as InfoResult;
    expect(result).toMatchObject({
      cli: { version: '9.8.7' },
      gateway: { url: gateway.url, source: 'env' },
      token: { source: 'file', file: tokenFile },
    });
    expect(result.apps?.map((a) => a.app)).toEqual(['gateway', 'registry', 'drift']);
    expect(run.stdout).not.toContain('file-token"');
  });

  it('still prints the local facts when the gateway is down, then exits 3', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const run = await runMain(['info', '--url', url], { cwd: repo });
    expect(run.code).toBe(ExitCode.Unreachable);
    expect(run.stdout).toContain(`gateway url:  ${url} (flag)`);
    expect(run.stderr).toContain(`gateway not reachable at ${url}`);

    const json = await runMain(['info', '--url', url, '--json'], { cwd: repo });
    expect(json.code).toBe(ExitCode.Unreachable);
    expect(JSON.parse(json.stdout)).toMatchObject({
      apps: null,
      error: { exitCode: ExitCode.Unreachable },
    });
  });
});
