import { CliError, ExitCode } from '../exit-codes.js';
import { GatewayError } from '../http/gateway.error.js';
import { memoryStream, stripAnsi } from '../testing/cli.testing.js';
import { Output } from './cli.output.js';
import { formatChecks, formatUptime, shortCommit } from './format.js';

const ESC = '\u001b[';

function setup(options: { json?: boolean; tty?: boolean; env?: Record<string, string> } = {}) {
  const stdout = memoryStream(options.tty ?? false);
  const stderr = memoryStream(options.tty ?? false);
  const out = new Output({ stdout, stderr, json: options.json ?? false, env: options.env ?? {} });
  return { out, stdout, stderr };
}

describe('Output', () => {
  describe('--json', () => {
    it('writes exactly one parseable JSON document to stdout and no human output', () => {
      const { out, stdout, stderr } = setup({ json: true, tty: true });
      out.line('a heading');
      out.table(['app'], [['gateway']]);
      out.fields([['cli version', '1.0.0']]);
      out.result({ apps: [{ app: 'gateway', ready: true }] }, () => out.line('human'));
      expect(JSON.parse(stdout.text())).toEqual({ apps: [{ app: 'gateway', ready: true }] });
      expect(stdout.text()).not.toContain(ESC);
      expect(stderr.text()).toBe('');
    });

    it('reports errors as JSON on stderr, keeping stdout clean', () => {
      const { out, stdout, stderr } = setup({ json: true });
      out.error(new GatewayError('gateway not reachable at http://x', 'unreachable'));
      expect(stdout.text()).toBe('');
      expect(JSON.parse(stderr.text())).toEqual({
        error: { message: 'gateway not reachable at http://x', exitCode: 3, kind: 'unreachable' },
      });
    });
  });

  describe('human output', () => {
    it('renders the human form of a result and a table with its headers', () => {
      const { out, stdout } = setup();
      out.result({ n: 1 }, ({ n }) => out.line(`n is ${n}`));
      out.table(['app', 'ready'], [['registry', 'yes']]);
      const text = stdout.text();
      expect(text).toContain('n is 1');
      expect(text).toMatch(/│ app\s+│ ready │/);
      expect(text).toMatch(/│ registry │ yes\s+│/);
    });

    it('aligns fields', () => {
      const { out, stdout } = setup();
      out.fields([
        ['cli version', '0.1.0'],
        ['url', 'http://x'],
      ]);
      expect(stdout.text()).toBe('cli version: 0.1.0\nurl:         http://x\n');
    });

    it('prints errors as one line on stderr', () => {
      const { out, stdout, stderr } = setup();
      out.error(new CliError('it broke', ExitCode.Failed));
      expect(stdout.text()).toBe('');
      expect(stderr.text()).toBe('error: it broke\n');
    });
  });

  describe('colour', () => {
    it('is off when stdout is not a terminal', () => {
      const { out, stdout } = setup({ tty: false });
      out.table(['app'], [[out.colors.green('yes')]]);
      expect(stdout.text()).not.toContain(ESC);
    });

    it('is on for a terminal', () => {
      const { out, stdout } = setup({ tty: true });
      out.table(['app'], [[out.colors.green('yes')]]);
      expect(stdout.text()).toContain(`${ESC}32myes${ESC}39m`);
    });

    it('is off when NO_COLOR is set, even on a terminal', () => {
      const { out, stdout, stderr } = setup({ tty: true, env: { NO_COLOR: '1' } });
      out.table(['app'], [[out.colors.green('yes')]]);
      out.error(new CliError('nope'));
      expect(stdout.text() + stderr.text()).not.toContain(ESC);
    });
  });

  describe('withProgress', () => {
    const work = (progress: { increment(step?: number): void }) => {
      for (let i = 0; i < 3; i++) progress.increment();
      return Promise.resolve('done');
    };

    it('draws a bar on stderr for a terminal', async () => {
      const { out, stdout, stderr } = setup({ tty: true });
      await expect(out.withProgress('uploading', 3, work)).resolves.toBe('done');
      expect(stdout.text()).toBe('');
      expect(stripAnsi(stderr.text())).toContain('uploading [');
      expect(stripAnsi(stderr.text())).toContain('3/3');
    });

    it.each([
      ['--json', { json: true, tty: true }],
      ['not a terminal', { tty: false }],
    ])('is silent with %s, but still runs the work', async (_, options) => {
      const { out, stdout, stderr } = setup(options);
      await expect(out.withProgress('uploading', 3, work)).resolves.toBe('done');
      expect(stdout.text()).toBe('');
      expect(stderr.text()).toBe('');
    });

    it('stops the bar when the work fails', async () => {
      const { out } = setup({ tty: true });
      await expect(
        out.withProgress('uploading', 3, () => Promise.reject(new Error('disk full'))),
      ).rejects.toThrow('disk full');
    });
  });
});

describe('formatters', () => {
  it.each([
    [null, '-'],
    [0.4, '0s'],
    [12.3, '12s'],
    [125, '2m 5s'],
    [3_725, '1h 2m'],
    [7_200, '2h'],
    [200_000, '2d 7h'],
  ])('formatUptime(%p) = %p', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });

  it('shortens shas to 12 characters and leaves other commits alone', () => {
    expect(shortCommit('0123456789abcdef0123456789abcdef01234567')).toBe('0123456789ab');
    expect(shortCommit('unknown')).toBe('unknown');
    expect(shortCommit(null)).toBe('-');
  });

  it('lists checks as name:state', () => {
    expect(formatChecks({ nats: 'up', database: 'down' })).toBe('nats:up database:down');
    expect(formatChecks({})).toBe('-');
  });
});
