import { ExitCode } from '../exit-codes.js';
import { SHA, readyApps, startFakeGateway } from '../testing/fake-gateway.js';
import { type TestServer, unusedPort } from '../testing/cli.testing.js';
import { runMain } from '../testing/run-main.js';
import { type StatusResult } from './status.command.js';

describe('sentimentops status', () => {
  let gateway: Awaited<ReturnType<typeof startFakeGateway>>;
  const env = () => ({ SENTIMENTOPS_URL: gateway.url, SENTIMENTOPS_ADMIN_TOKEN: 'admin-tok' });

  beforeEach(async () => {
    gateway = await startFakeGateway({ token: 'admin-tok', gatewayReady: true, apps: readyApps() });
  });

  afterEach(() => (gateway as TestServer).close());

  it('prints a table and exits 0 when everything is ready', async () => {
    const run = await runMain(['status'], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(ExitCode.Ok);
    expect(run.stdout).toContain(`gateway ${gateway.url}: ready (nats:up)`);
    expect(run.stdout).toMatch(
      /│ app\s+│ ready │ version │ commit\s+│ instance │ uptime │ checks\s+│/,
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `│ gateway\\s+│ yes\\s+│ 0\\.1\\.0\\s+│ ${SHA.slice(0, 12)} │ host-123 │ 12s\\s+│ nats:up\\s+│`,
      ),
    );
    expect(run.stdout).toMatch(
      /│ registry\s+│ yes\s+│ 0\.1\.0\s+│ unknown\s+│ host-456 │ 1h 2m\s+│ nats:up database:up │/,
    );
    expect(run.stdout).toContain('all 2 apps ready');
    expect(gateway.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/health/ready', undefined],
      ['/api/platform/apps', 'Bearer admin-tok'],
    ]);
  });

  it('exits 1 when an app is not ready', async () => {
    gateway.state.apps = [
      ...readyApps(),
      { ...(readyApps()[1] as object), app: 'drift', ready: false, checks: { database: 'down' } },
    ];
    const run = await runMain(['status'], { env: env() });
    expect(run.code).toBe(ExitCode.Failed);
    expect(run.stdout).toMatch(/│ drift\s+│ no\s+│.*│ database:down\s+│/);
    expect(run.stdout).toContain('2 of 3 apps ready');
  });

  it('exits 1 and shows why when an app is unreachable', async () => {
    gateway.state.apps = [
      ...readyApps(),
      { app: 'drift', reachable: false, error: 'no reply within 2000 ms' },
    ];
    const run = await runMain(['status'], { env: env() });
    expect(run.code).toBe(ExitCode.Failed);
    expect(run.stdout).toMatch(
      /│ drift\s+│ no\s+│ -\s+│ -\s+│ -\s+│ -\s+│ unreachable: no reply within 2000 ms │/,
    );
  });

  it('exits 1 when the gateway itself is not ready', async () => {
    gateway.state.gatewayReady = false;
    const run = await runMain(['status'], { env: env() });
    expect(run.code).toBe(ExitCode.Failed);
    expect(run.stdout).toContain(`gateway ${gateway.url}: not ready (nats:down)`);
  });

  it('prints only JSON with --json, given before or after the command', async () => {
    gateway.state.apps = [...readyApps(), { app: 'drift', reachable: false, error: 'timeout' }];
    for (const argv of [
      ['--json', 'status'],
      ['status', '--json'],
    ]) {
      const run = await runMain(argv, { env: env() });
      expect(run.code).toBe(ExitCode.Failed);
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as StatusResult;
      expect(result.ready).toBe(false);
      expect(result.gateway).toEqual({
        url: gateway.url,
        ready: true,
        httpStatus: 200,
        checks: { nats: 'up' },
      });
      expect(result.apps.map((a) => [a.app, a.reachable, a.ready])).toEqual([
        ['gateway', true, true],
        ['registry', true, true],
        ['drift', false, false],
      ]);
      expect(result.apps[0]).toMatchObject({ commit: SHA, uptimeSeconds: 12.3 });
    }
  });

  it('exits 4 when the token is rejected, after showing the public probe', async () => {
    const run = await runMain(['status', '--token', 'wrong'], { env: env() });
    expect(run.code).toBe(ExitCode.Auth);
    expect(run.stdout).toContain('ready');
    expect(run.stderr).toMatch(
      /^error: admin token rejected \(HTTP 401 Unauthorized: Unauthorized; token from flag --token\)/,
    );
    expect(run.stdout + run.stderr).not.toContain('wrong');
  });

  it('exits 3 when nothing listens at the gateway URL', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const run = await runMain(['status', '--url', url], { env: env() });
    expect(run.code).toBe(ExitCode.Unreachable);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`gateway not reachable at ${url}`);
  });

  it('exits 3 with a JSON error on stderr when --json and unreachable', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}`;
    const run = await runMain(['--json', '--url', url, 'status'], { env: env() });
    expect(run.code).toBe(ExitCode.Unreachable);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { kind: 'unreachable', exitCode: 3 } });
  });
});

describe('usage errors', () => {
  it.each([
    [['status', '--no-such-flag']],
    [['no-such-command']],
    [['--timeout', 'soon', 'status']],
    [['--timeout', '0', 'status']],
    [['--url', 'not-a-url', 'status']],
    [[]],
  ])('%j exits 2', async (argv) => {
    const run = await runMain(argv);
    expect(run.code).toBe(ExitCode.Usage);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toBe('');
  });

  it('--help and --version exit 0', async () => {
    const help = await runMain(['--help']);
    expect(help.code).toBe(ExitCode.Ok);
    expect(help.stdout).toContain('status');
    expect(help.stdout).toContain('--json');
    const version = await runMain(['--version']);
    expect(version).toEqual({ code: ExitCode.Ok, stdout: '9.8.7\n', stderr: '' });
  });
});
