// Everything the local stack reads from the environment, in one place, so that a second stack
// (the end-to-end tests run one) differs from `make up` only by env: state dir and ports.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// Every port the stack listens on: its env override and what it is for (for error messages).
const PORTS = {
  nats: { env: 'SENTIMENTOPS_NATS_PORT', fallback: 4222, what: 'NATS client port' },
  natsMonitor: { env: 'SENTIMENTOPS_NATS_MONITOR_PORT', fallback: 8222, what: 'NATS monitoring' },
  postgres: { env: 'SENTIMENTOPS_PG_PORT', fallback: 54320, what: 'PostgreSQL' },
  gatewayHttp: { env: 'GATEWAY_HTTP_PORT', fallback: 8080, what: 'gateway HTTP' },
  gatewayGrpc: { env: 'GATEWAY_GRPC_PORT', fallback: 8081, what: 'gateway gRPC' },
  inferenceHttp: { env: 'INFERENCE_HTTP_PORT', fallback: 8082, what: 'inference HTTP' },
  registryHttp: { env: 'REGISTRY_HTTP_PORT', fallback: 8083, what: 'registry HTTP' },
  driftHttp: { env: 'DRIFT_HTTP_PORT', fallback: 8084, what: 'drift HTTP' },
  trainerControllerHttp: {
    env: 'TRAINER_CONTROLLER_HTTP_PORT',
    fallback: 8085,
    what: 'trainer-controller HTTP',
  },
};
// Only when MLflow runs (SENTIMENTOPS_MLFLOW is not "off").
const MLFLOW_PORT = { env: 'SENTIMENTOPS_MLFLOW_PORT', fallback: 5000, what: 'MLflow server' };

/** An error whose message says it all: printed without a stack trace. */
export class StackError extends Error {}

function readPort(env, { env: name, fallback, what }) {
  const raw = env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StackError(`${name}="${raw}" is not a valid port (${what})`);
  }
  return { port, env: name, what };
}

function readSeconds(env, name, fallback) {
  const seconds = Number(env[name] ?? fallback);
  if (!(seconds > 0)) throw new StackError(`${name}="${env[name]}" must be a positive number`);
  return seconds * 1000;
}

/** Replica i (from 2) listens on the first replica's HTTP port + 100 * (i - 1): 8182, 8282, ... */
export const REPLICA_PORT_STEP = 100;

/**
 * SENTIMENTOPS_MLFLOW=off: no MLflow server (for a machine without the Python venv); the apps then
 * get no MLFLOW_TRACKING_URI from the stack, though one exported in the shell still reaches them.
 */
function readMlflow(env) {
  const raw = (env.SENTIMENTOPS_MLFLOW || 'on').toLowerCase();
  if (!['on', 'off'].includes(raw)) {
    throw new StackError(`SENTIMENTOPS_MLFLOW="${env.SENTIMENTOPS_MLFLOW}" must be "on" or "off"`);
  }
  if (raw === 'off') return undefined;
  // The training package's venv, as in the Makefile; it has `mlflow` (the server) installed.
  const venv = path.resolve(REPO_ROOT, env.SENTIMENTOPS_VENV || '.cache/venv');
  return { venv, python: path.join(venv, 'bin/python') };
}

function readReplicas(env, ports) {
  const raw = env.INFERENCE_REPLICAS || '1';
  const replicas = Number(raw);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) {
    throw new StackError(`INFERENCE_REPLICAS="${raw}" must be a whole number from 1 to 8`);
  }
  const taken = new Set(Object.values(ports).map((p) => p.port));
  for (let i = 2; i <= replicas; i++) {
    const port = ports.inferenceHttp.port + REPLICA_PORT_STEP * (i - 1);
    if (taken.has(port) || port > 65535) {
      throw new StackError(`inference replica ${i} would listen on ${port}, which is taken`);
    }
  }
  return replicas;
}

export function loadConfig(env = process.env) {
  const stateDir = path.resolve(REPO_ROOT, env.SENTIMENTOPS_STATE_DIR || '.sentimentops');
  const mlflow = readMlflow(env);
  const portSpecs = mlflow ? { ...PORTS, mlflow: MLFLOW_PORT } : PORTS;
  const ports = Object.fromEntries(
    Object.entries(portSpecs).map(([key, spec]) => [key, readPort(env, spec)]),
  );
  const seen = new Map();
  for (const { port, env: name } of Object.values(ports)) {
    if (seen.has(port)) throw new StackError(`${name} and ${seen.get(port)} are both ${port}`);
    seen.set(port, name);
  }
  return {
    repoRoot: REPO_ROOT,
    stateDir,
    dirs: {
      pids: path.join(stateDir, 'pids'),
      logs: path.join(stateDir, 'logs'),
      nats: path.join(stateDir, 'nats'),
      postgres: path.join(stateDir, 'postgres'),
      mlflow: path.join(stateDir, 'mlflow'),
    },
    adminTokenFile: path.join(stateDir, 'admin-token'),
    adminTokenName: env.SENTIMENTOPS_ADMIN_TOKEN_NAME || 'local-admin',
    adminTokenFromEnv: env.SENTIMENTOPS_ADMIN_TOKEN || undefined,
    ports,
    /** { venv, python } of the MLflow server; undefined when SENTIMENTOPS_MLFLOW=off. */
    mlflow,
    logLevel: env.LOG_LEVEL || 'info',
    // Every local client is 127.0.0.1 (the CLI, load tests, the e2e suites): one per-address
    // bucket would throttle them all together, so the gateway's rate limit is off unless exported.
    gatewayRateLimitRps: env.GATEWAY_RATE_LIMIT_RPS || '0',
    inferenceReplicas: readReplicas(env, ports),
    // A custom app entry (e.g. a stand-in while an app is being written): `{app}` becomes the
    // app's name. The stack does not build it.
    appEntry: env.SENTIMENTOPS_APP_ENTRY || undefined,
    readyTimeoutMs: readSeconds(env, 'SENTIMENTOPS_READY_TIMEOUT_S', 180),
    stopTimeoutMs: readSeconds(env, 'SENTIMENTOPS_STOP_TIMEOUT_S', 30),
  };
}

/** A path for messages: relative to the current folder when inside it, absolute otherwise. */
export function displayPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}
