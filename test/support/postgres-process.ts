// A real PostgreSQL for tests, run by the same script `make up` uses (scripts/stack/postgres.mjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { logTail, stopPid, waitFor } from './probes.js';

export interface StartedPostgres {
  pid: number;
  /** postgres://sentimentops:sentimentops@127.0.0.1:<port>/sentimentops */
  url: string;
}

/** The URL in postgres.mjs's JSON "ready" line, once it has printed one. */
function readyUrl(logFile: string): string | undefined {
  const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : [];
  for (const line of lines) {
    if (!line.startsWith('{')) continue; // the server's own log lines are plain text
    const entry = JSON.parse(line) as { component?: string; msg?: string; url?: string };
    if (entry.component === 'postgres' && entry.msg === 'ready') return entry.url;
  }
  return undefined;
}

/**
 * Starts PostgreSQL on `port` with its data in `dataDir` (initialised on first use; durability
 * off, it is a test database) and resolves once the `sentimentops` role and database exist.
 */
export async function startPostgres(options: {
  port: number;
  dataDir: string;
  logFile: string;
  timeoutMs?: number;
}): Promise<StartedPostgres> {
  const script = path.join(process.cwd(), 'scripts/stack/postgres.mjs');
  const log = fs.openSync(options.logFile, 'a');
  const args = [script, '--port', String(options.port), '--data-dir', options.dataDir, '--fast'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  child.unref();
  let exited = false;
  child.once('exit', () => (exited = true));

  let url: string | undefined;
  try {
    await waitFor(
      `postgres on port ${options.port}`,
      () => {
        if (exited) throw new Error('postgres.mjs exited during start-up');
        url = readyUrl(options.logFile);
        return url !== undefined;
      },
      options.timeoutMs ?? 60_000,
      200,
    );
  } catch (err) {
    if (child.pid) await stopPid(child.pid);
    throw new Error(`${(err as Error).message}; its log:\n${logTail(options.logFile)}`);
  }
  return { pid: child.pid!, url: url! };
}
