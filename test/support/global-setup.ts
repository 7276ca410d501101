// Jest globalSetup of the integration project: a real nats-server (JetStream) and a real
// PostgreSQL on free ports in a temp dir, shared by all integration tests. Tests read
// TEST_NATS_URL and TEST_DATABASE_URL (Jest passes this process's env on to the test workers).
// First: lets Node's require() find the helpers below (see the file).
import './resolve-ts-sources.cjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NatsProcess } from './nats-process.js';
import { freePorts } from './ports.js';
import { startPostgres } from './postgres-process.js';
import { stopPid } from './probes.js';
import { writeTestStack } from './test-stack.js';

export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentimentops-it-'));
  // Run as root, PostgreSQL runs as the `postgres` user, which must reach its data dir inside.
  fs.chmodSync(dir, 0o755);
  const [natsPort, monitorPort, pgPort] = await freePorts(3);
  const nats = new NatsProcess({
    port: natsPort,
    monitorPort,
    storeDir: path.join(dir, 'nats'),
    logFile: path.join(dir, 'nats.log'),
  });
  const pgLog = path.join(dir, 'postgres.log');

  const [natsStarted, postgres] = await Promise.allSettled([
    nats.start(),
    startPostgres({ port: pgPort, dataDir: path.join(dir, 'postgres'), logFile: pgLog }),
  ]);
  if (natsStarted.status === 'rejected' || postgres.status === 'rejected') {
    await nats.stop();
    if (postgres.status === 'fulfilled') await stopPid(postgres.value.pid);
    const errors = [natsStarted, postgres].filter((r) => r.status === 'rejected');
    throw new Error(
      `integration test stack failed to start (files in ${dir}):\n` +
        errors.map((r) => String(r.reason)).join('\n'),
    );
  }

  const file = path.join(dir, 'stack.json');
  writeTestStack(file, {
    dir,
    nats: {
      url: nats.url,
      monitorUrl: nats.monitorUrl,
      port: natsPort,
      pid: nats.pid!,
      logFile: nats.logFile,
    },
    postgres: { url: postgres.value.url, port: pgPort, pid: postgres.value.pid, logFile: pgLog },
  });
  process.env.TEST_STACK_FILE = file;
  process.env.TEST_NATS_URL = nats.url;
  process.env.TEST_DATABASE_URL = postgres.value.url;
}
