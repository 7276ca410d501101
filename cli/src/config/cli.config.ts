/**
 * Where the CLI finds the gateway and the admin token. Resolved once per command from the flags,
 * the environment and the state directory that `make up` writes; nothing else reads process.env.
 *
 *   gateway URL:  --url, else SENTIMENTOPS_URL, else http://127.0.0.1:${GATEWAY_HTTP_PORT || 8080}
 *   admin token:  --token, else SENTIMENTOPS_ADMIN_TOKEN, else <state>/admin-token, where <state> is
 *                 SENTIMENTOPS_STATE_DIR or the `.sentimentops` folder of the enclosing repo checkout.
 *
 * The token value never leaves this object except as the Authorization header; output reports
 * only where it came from (`tokenSource`, `tokenFile`).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError, ExitCode } from '../exit-codes.js';

export type Env = Readonly<Record<string, string | undefined>>;
export type UrlSource = 'flag' | 'env' | 'default';
export type TokenSource = 'flag' | 'env' | 'file' | 'none';

export const DEFAULT_GATEWAY_HTTP_PORT = 8080;
/** The `name` in the repo root's package.json; marks where the walk up from the cwd stops. */
export const REPO_PACKAGE_NAME = 'sentimentops';
export const STATE_DIR_NAME = '.sentimentops';
export const TOKEN_FILE_NAME = 'admin-token';

export const ENV = {
  url: 'SENTIMENTOPS_URL',
  token: 'SENTIMENTOPS_ADMIN_TOKEN',
  stateDir: 'SENTIMENTOPS_STATE_DIR',
  gatewayPort: 'GATEWAY_HTTP_PORT',
} as const;

export interface ConfigFlags {
  url?: string;
  token?: string;
}

export interface CliConfig {
  /** Absolute http(s) URL without a trailing slash. */
  readonly gatewayUrl: string;
  readonly urlSource: UrlSource;
  readonly token: string | undefined;
  readonly tokenSource: TokenSource;
  /** The token file that was read (source `file`) or would have been (source `none`), if known. */
  readonly tokenFile: string | undefined;
}

export function resolveConfig(flags: ConfigFlags, env: Env, cwd: string): CliConfig {
  return { ...resolveGatewayUrl(flags, env), ...resolveToken(flags, env, cwd) };
}

/** One line for humans: where the token came from, never the token. */
export function describeTokenSource(config: CliConfig): string {
  switch (config.tokenSource) {
    case 'flag':
      return 'flag --token';
    case 'env':
      return `env ${ENV.token}`;
    case 'file':
      return `file ${config.tokenFile}`;
    case 'none':
      return config.tokenFile ? `none (no ${config.tokenFile})` : 'none';
  }
}

function resolveGatewayUrl(
  flags: ConfigFlags,
  env: Env,
): Pick<CliConfig, 'gatewayUrl' | 'urlSource'> {
  const flag = nonEmpty(flags.url);
  if (flag) return { gatewayUrl: normalizeUrl(flag, '--url'), urlSource: 'flag' };
  const fromEnv = nonEmpty(env[ENV.url]);
  if (fromEnv) return { gatewayUrl: normalizeUrl(fromEnv, ENV.url), urlSource: 'env' };
  const port = parsePort(env[ENV.gatewayPort]);
  return { gatewayUrl: `http://127.0.0.1:${port}`, urlSource: 'default' };
}

function resolveToken(
  flags: ConfigFlags,
  env: Env,
  cwd: string,
): Pick<CliConfig, 'token' | 'tokenSource' | 'tokenFile'> {
  const flag = nonEmpty(flags.token);
  if (flag)
    return { token: checkToken(flag, '--token'), tokenSource: 'flag', tokenFile: undefined };
  const fromEnv = nonEmpty(env[ENV.token]);
  if (fromEnv) {
    return { token: checkToken(fromEnv, ENV.token), tokenSource: 'env', tokenFile: undefined };
  }

  const stateDir = nonEmpty(env[ENV.stateDir]) ?? findRepoStateDir(cwd);
  if (!stateDir) return { token: undefined, tokenSource: 'none', tokenFile: undefined };
  const tokenFile = resolve(cwd, stateDir, TOKEN_FILE_NAME);
  const token = readTokenFile(tokenFile);
  return token
    ? { token: checkToken(token, tokenFile), tokenSource: 'file', tokenFile }
    : { token: undefined, tokenSource: 'none', tokenFile };
}

/**
 * `<repo root>/.sentimentops`, where the repo root is the nearest folder at or above `cwd` whose
 * package.json is named "sentimentops"; undefined outside a checkout, so the CLI never picks up an
 * unrelated `.sentimentops` higher up the tree.
 */
export function findRepoStateDir(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (isRepoRoot(dir)) return join(dir, STATE_DIR_NAME);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function isRepoRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as unknown;
    return (
      typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === REPO_PACKAGE_NAME
    );
  } catch {
    return false;
  }
}

function readTokenFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new CliError(
      `cannot read admin token file ${file} (${errorCode(error) ?? String(error)})`,
      ExitCode.Auth,
    );
  }
  return nonEmpty(text);
}

/** A token with spaces or control characters cannot travel in a header; say so without echoing it. */
function checkToken(token: string, source: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CliError(
      `admin token from ${source} contains characters not allowed in an HTTP header`,
      ExitCode.Auth,
    );
  }
  return token;
}

function normalizeUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`invalid gateway URL "${raw}" (from ${source})`, ExitCode.Usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(
      `invalid gateway URL "${raw}" (from ${source}): expected http:// or https://`,
      ExitCode.Usage,
    );
  }
  if (url.search || url.hash) {
    throw new CliError(
      `invalid gateway URL "${raw}" (from ${source}): no query or fragment allowed`,
      ExitCode.Usage,
    );
  }
  // Keep a path prefix (a gateway behind a reverse proxy), drop trailing slashes so that
  // `${gatewayUrl}/health/ready` is always well formed.
  return url.href.replace(/\/+$/, '');
}

function parsePort(raw: string | undefined): number {
  const value = nonEmpty(raw);
  if (value === undefined) return DEFAULT_GATEWAY_HTTP_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new CliError(`${ENV.gatewayPort}="${value}" is not a TCP port number`, ExitCode.Usage);
  }
  return port;
}

/** Trimmed value, or undefined for unset/blank (an exported-but-empty variable counts as unset). */
function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : undefined;
}
