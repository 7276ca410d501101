// A local platform of its own for a reliability run: the stack script `make up` runs
// (scripts/stack/stack.mjs), on free ports and a temporary state dir, so a run goes on beside a
// developer's `make up` and beside the end-to-end tests. The helpers below reach the stack's
// processes through its own pid files and spec table, so a process is stopped and started again
// exactly the way `stack up` starts it (same command, same store/data dir, same pid file).
import { setTimeout } from 'node:timers';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, REPLICA_PORT_STEP, REPO_ROOT } from '../../stack/lib/config.mjs';
import { readPid, startDetached, stopProcess } from '../../stack/lib/processes.mjs';
import { processSpecs } from '../../stack/lib/specs.mjs';

const execFileP = promisify(execFile);
// ESLint's script globals (eslint.config.mjs) do not list AbortSignal.
const timeoutSignal = (ms) => globalThis.AbortSignal.timeout(ms);
/** Where each run's app logs are copied before its state dir goes (they explain a missed target). */
export const LOGS_DIR = path.join(REPO_ROOT, '.cache/reliability');

// `make up`'s default ports: never taken here, so a developer's stack can start beside this one.
const LOCAL_STACK_PORTS = new Set([4222, 8222, 54320, 5000, 8080, 8081, 8082, 8083, 8084, 8085]);
const APP_PORT_VARS = {
  gateway: 'GATEWAY_HTTP_PORT',
  inference: 'INFERENCE_HTTP_PORT',
  registry: 'REGISTRY_HTTP_PORT',
  drift: 'DRIFT_HTTP_PORT',
  'trainer-controller': 'TRAINER_CONTROLLER_HTTP_PORT',
};

function listenEphemeral() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

/** `count` distinct free ports, all held until all are chosen. Replica ports (+100) checked too. */
export async function freePorts(count) {
  const held = [];
  const ports = [];
  try {
    while (ports.length < count) {
      const server = await listenEphemeral();
      held.push(server);
      const { port } = server.address();
      if (!LOCAL_STACK_PORTS.has(port) && port + REPLICA_PORT_STEP * 7 < 65536) ports.push(port);
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((done) => s.close(done))));
  }
  return ports;
}

const log = (...parts) => console.error(`[${new Date().toISOString().slice(11, 23)}]`, ...parts);
export { log };

/**
 * Picks ports and a state dir and starts the stack (`stack.mjs up`). `extraEnv` goes to the stack
 * and so to every app. MLflow is off unless `mlflow` is true: no fault here involves it, and on a
 * small machine its Python server costs CPU the load needs.
 */
export async function startStack(name, { extraEnv = {}, mlflow = false, keep = false } = {}) {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `sentimentops-reliability-${name}-`));
  const [nats, natsMonitor, pg, grpc, mlflowPort, ...apps] = await freePorts(
    5 + Object.keys(APP_PORT_VARS).length,
  );
  const appPorts = Object.fromEntries(Object.keys(APP_PORT_VARS).map((a, i) => [a, apps[i]]));
  const env = {
    ...process.env,
    SENTIMENTOPS_STATE_DIR: stateDir,
    SENTIMENTOPS_NATS_PORT: String(nats),
    SENTIMENTOPS_NATS_MONITOR_PORT: String(natsMonitor),
    SENTIMENTOPS_PG_PORT: String(pg),
    GATEWAY_GRPC_PORT: String(grpc),
    SENTIMENTOPS_MLFLOW_PORT: String(mlflowPort),
    SENTIMENTOPS_MLFLOW: mlflow ? 'on' : 'off',
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    // The gateway's per-client rate limit would throttle the load itself: off (0).
    GATEWAY_RATE_LIMIT_RPS: '0',
    ...Object.fromEntries(Object.entries(APP_PORT_VARS).map(([a, k]) => [k, String(appPorts[a])])),
    ...extraEnv,
  };
  delete env.SENTIMENTOPS_ADMIN_TOKEN; // the stack generates its own into the state dir
  const config = loadConfig(env);
  const stack = async (command) => {
    const started = performance.now();
    const { stdout } = await execFileP(process.execPath, ['scripts/stack/stack.mjs', command], {
      cwd: REPO_ROOT,
      env,
      timeout: 600_000,
      maxBuffer: 16 << 20,
    });
    return { stdout, seconds: (performance.now() - started) / 1000 };
  };
  const replicaUrls = Array.from(
    { length: config.inferenceReplicas },
    (_, i) => `http://127.0.0.1:${appPorts.inference + REPLICA_PORT_STEP * i}`,
  );
  const handle = {
    env,
    config,
    stateDir,
    stack,
    url: (app) => `http://127.0.0.1:${appPorts[app]}`,
    /** Every app process by its stack name (inference, inference-2, ...) -> its HTTP base URL. */
    apps: () =>
      Object.fromEntries([
        ...Object.keys(APP_PORT_VARS)
          .filter((a) => a !== 'inference')
          .map((a) => [a, `http://127.0.0.1:${appPorts[a]}`]),
        ...replicaUrls.map((u, i) => [i === 0 ? 'inference' : `inference-${i + 1}`, u]),
      ]),
    databaseUrl: `postgres://sentimentops:sentimentops@127.0.0.1:${pg}/sentimentops`,
    natsHealth: `http://127.0.0.1:${natsMonitor}/healthz`,
    token: () => fs.readFileSync(path.join(stateDir, 'admin-token'), 'utf8').trim(),
    pid: (proc) => readPid(config, proc),
    spec: (proc) => processSpecs(config).find((s) => s.name === proc),
    /** Stops one stack process the way `down` does (SIGTERM, SIGKILL after the timeout). */
    stopProcess: async (proc) => stopProcess(readPid(config, proc), config.stopTimeoutMs),
    /** Starts one stack process again with the command and pid file `stack up` uses. */
    startProcess: (proc) => startDetached(config, handle.spec(proc)),
    async down() {
      await stack('down').catch((err) => log(`stack down failed: ${err.message}`));
      const logs = path.join(LOGS_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      if (fs.existsSync(path.join(stateDir, 'logs'))) {
        fs.mkdirSync(LOGS_DIR, { recursive: true });
        fs.cpSync(path.join(stateDir, 'logs'), logs, { recursive: true });
        log(`the stack's logs: ${path.relative(process.cwd(), logs)}/`);
      }
      if (!keep) fs.rmSync(stateDir, { recursive: true, force: true });
      else log(`state dir kept: ${stateDir}`);
    },
  };
  log(`starting a stack in ${stateDir} (gateway ${handle.url('gateway')})`);
  try {
    const up = await stack('up');
    log(`stack up in ${up.seconds.toFixed(1)} s`);
  } catch (err) {
    log(`stack up failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
    await handle.down();
    throw err;
  }
  return handle;
}

/**
 * Runs `body(stack)` on a fresh stack and always stops it: on success, on an exception, and on
 * SIGINT/SIGTERM (Ctrl-C, or `make` being interrupted). Returns body's result.
 */
export async function withStack(name, options, body) {
  const stack = await startStack(name, options);
  let stopping;
  const onSignal = (signal) => {
    log(`${signal}: stopping the stack`);
    stopping ??= stack.down().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(stack);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!stopping) await stack.down();
  }
}

/**
 * Polls `/health/ready` until it answers 200. Resolves with { at } (performance.now() of the 200)
 * and `last`, the last answer that was not 200 (its status and body: which check was down).
 */
export async function whenReady(url, { timeoutMs = 60_000, intervalMs = 50 } = {}) {
  const deadline = performance.now() + timeoutMs;
  let last;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: timeoutSignal(1000) });
      const body = await res.text();
      if (res.status === 200) return { at: performance.now(), last };
      last = `${res.status} ${body.slice(0, 400)}`;
    } catch (err) {
      last = `no answer (${err?.cause?.code ?? err?.name ?? err})`;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return { at: undefined, last };
}

/** Polls until `probe()` is truthy; resolves with performance.now() at that moment, or undefined. */
export async function when(probe, { timeoutMs = 60_000, intervalMs = 50 } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await probe()) return performance.now();
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return undefined;
}
