import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.js';
import { describeTokenSource, findRepoStateDir, resolveConfig } from './cli.config.js';

/** The CliError `fn` throws; fails the test when it throws nothing or something else. */
function thrown(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a CliError, nothing was thrown');
}

describe('resolveConfig', () => {
  let root: string;
  let outside: string;

  beforeEach(() => {
    // realpath: on some systems tmpdir is a symlink, and the resolver returns resolved paths.
    const base = realpathSync(mkdtempSync(join(tmpdir(), 'sentimentops-cli-config-')));
    root = join(base, 'repo');
    outside = join(base, 'elsewhere');
    mkdirSync(join(root, 'apps', 'gateway', 'src'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'sentimentops' }));
  });

  afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  const writeRepoToken = (text: string) => {
    mkdirSync(join(root, '.sentimentops'), { recursive: true });
    writeFileSync(join(root, '.sentimentops', 'admin-token'), text);
  };

  describe('gateway URL', () => {
    it('defaults to the local gateway port', () => {
      expect(resolveConfig({}, {}, outside)).toMatchObject({
        gatewayUrl: 'http://127.0.0.1:8080',
        urlSource: 'default',
      });
    });

    it('follows GATEWAY_HTTP_PORT for the default', () => {
      expect(resolveConfig({}, { GATEWAY_HTTP_PORT: '9180' }, outside).gatewayUrl).toBe(
        'http://127.0.0.1:9180',
      );
    });

    it('prefers SENTIMENTOPS_URL over the port, and --url over both', () => {
      const env = { GATEWAY_HTTP_PORT: '9180', SENTIMENTOPS_URL: 'http://gw.internal:80/' };
      expect(resolveConfig({}, env, outside)).toMatchObject({
        gatewayUrl: 'http://gw.internal',
        urlSource: 'env',
      });
      expect(resolveConfig({ url: 'https://ops.example.com/api-gw/' }, env, outside)).toMatchObject(
        { gatewayUrl: 'https://ops.example.com/api-gw', urlSource: 'flag' },
      );
    });

    it('treats a blank SENTIMENTOPS_URL as unset', () => {
      expect(resolveConfig({}, { SENTIMENTOPS_URL: '  ' }, outside).urlSource).toBe('default');
    });

    it.each([
      [{ url: 'not a url' }, {}],
      [{ url: 'ftp://host' }, {}],
      [{}, { SENTIMENTOPS_URL: 'localhost:8080' }],
      [{}, { GATEWAY_HTTP_PORT: 'eighty' }],
      [{}, { GATEWAY_HTTP_PORT: '70000' }],
    ])('rejects %j %j as a usage error', (flags, env) => {
      expect(thrown(() => resolveConfig(flags, env, outside)).exitCode).toBe(ExitCode.Usage);
    });
  });

  describe('admin token', () => {
    it('prefers --token over the env var, and the env var over the file', () => {
      writeRepoToken('from-file');
      const env = { SENTIMENTOPS_ADMIN_TOKEN: 'from-env' };
      expect(resolveConfig({ token: 'from-flag' }, env, root)).toMatchObject({
        token: 'from-flag',
        tokenSource: 'flag',
      });
      expect(resolveConfig({}, env, root)).toMatchObject({ token: 'from-env', tokenSource: 'env' });
      expect(resolveConfig({}, {}, root)).toMatchObject({
        token: 'from-file',
        tokenSource: 'file',
        tokenFile: join(root, '.sentimentops', 'admin-token'),
      });
    });

    it('finds the repo state dir by walking up from a nested cwd, and trims the file', () => {
      writeRepoToken('s3cret\n');
      const config = resolveConfig({}, {}, join(root, 'apps', 'gateway', 'src'));
      expect(config).toMatchObject({ token: 's3cret', tokenSource: 'file' });
    });

    it('uses SENTIMENTOPS_STATE_DIR instead of the repo, relative to the cwd', () => {
      writeRepoToken('repo-token');
      mkdirSync(join(outside, 'state'));
      writeFileSync(join(outside, 'state', 'admin-token'), 'state-token');
      const config = resolveConfig({}, { SENTIMENTOPS_STATE_DIR: 'state' }, outside);
      expect(config).toMatchObject({
        token: 'state-token',
        tokenSource: 'file',
        tokenFile: join(outside, 'state', 'admin-token'),
      });
    });

    it('stops at the repo root: a package.json with another name is not one', () => {
      writeFileSync(join(outside, 'package.json'), JSON.stringify({ name: 'something-else' }));
      expect(findRepoStateDir(outside)).toBeUndefined();
      expect(findRepoStateDir(join(root, 'apps'))).toBe(join(root, '.sentimentops'));
      expect(resolveConfig({}, {}, outside)).toMatchObject({
        token: undefined,
        tokenSource: 'none',
        tokenFile: undefined,
      });
    });

    it('reports none, with the file it looked for, when the file is missing or blank', () => {
      const expected = join(root, '.sentimentops', 'admin-token');
      expect(resolveConfig({}, {}, root)).toMatchObject({
        tokenSource: 'none',
        tokenFile: expected,
      });
      writeRepoToken('\n');
      expect(resolveConfig({}, {}, root)).toMatchObject({
        tokenSource: 'none',
        tokenFile: expected,
      });
    });

    it('fails with an auth error when the token file cannot be read', () => {
      mkdirSync(join(root, '.sentimentops', 'admin-token'), { recursive: true });
      expect(thrown(() => resolveConfig({}, {}, root)).exitCode).toBe(ExitCode.Auth);
    });

    it('rejects a token that cannot be sent in a header, without echoing it', () => {
      const error = thrown(() =>
        resolveConfig({}, { SENTIMENTOPS_ADMIN_TOKEN: 'two words' }, root),
      );
      expect(error.exitCode).toBe(ExitCode.Auth);
      expect(error.message).toContain('SENTIMENTOPS_ADMIN_TOKEN');
      expect(error.message).not.toContain('two words');
    });

    it('describes the source without the token', () => {
      writeRepoToken('super-secret-value');
      const fromFile = resolveConfig({}, {}, root);
      const fromEnv = resolveConfig({}, { SENTIMENTOPS_ADMIN_TOKEN: 'super-secret-value' }, root);
      const fromFlag = resolveConfig({ token: 'super-secret-value' }, {}, root);
      expect(describeTokenSource(fromFile)).toBe(
        `file ${join(root, '.sentimentops', 'admin-token')}`,
      );
      expect(describeTokenSource(fromEnv)).toBe('env SENTIMENTOPS_ADMIN_TOKEN');
      expect(describeTokenSource(fromFlag)).toBe('flag --token');
      expect(describeTokenSource(resolveConfig({}, {}, outside))).toBe('none');
      for (const config of [fromFile, fromEnv, fromFlag]) {
        expect(describeTokenSource(config)).not.toContain('super-secret-value');
      }
    });
  });
});
