// The table of processes the local stack runs. Adding one (an MLflow server, a second inference
// replica) means adding an entry here: `up`, `status` and `down` work from this table.
//
// A spec: name, stage (stage 0 starts and becomes ready before stage 1 starts; `down` goes in
// reverse), command, env (on top of the caller's env), ports (checked free before starting),
// probe() -> { live, ready, detail }, address (shown by `status`) and urls (printed after `up`).
import path from 'node:path';
import { REPLICA_PORT_STEP } from './config.mjs';
import { databaseUrl } from './pg-cluster.mjs';
import { httpStatus, postgresAnswers, tcpOpen } from './probes.mjs';

export const NATS_SERVER_BIN = '.cache/bin/nats-server';

// The apps, in the order their status is listed. `database`: gets DATABASE_URL; `mlflow`: gets
// MLFLOW_TRACKING_URI (the registry mirrors itself there, training jobs log their runs there).
const APPS = [
  { name: 'gateway', port: 'gatewayHttp', extraPorts: ['gatewayGrpc'], adminTokens: true },
  { name: 'inference', port: 'inferenceHttp' },
  { name: 'registry', port: 'registryHttp', database: true, mlflow: true },
  { name: 'drift', port: 'driftHttp', database: true },
  { name: 'trainer-controller', port: 'trainerControllerHttp', database: true, mlflow: true },
];

const url = (port, route = '') => `http://127.0.0.1:${port}${route}`;
const answer = (status) => (status === undefined ? 'no answer' : `HTTP ${status}`);

function natsSpec(config) {
  const { nats, natsMonitor } = config.ports;
  const health = url(natsMonitor.port, '/healthz'); // 200 once JetStream is up as well
  return {
    name: 'nats',
    stage: 0,
    command: [
      path.join(config.repoRoot, NATS_SERVER_BIN),
      ...['--addr', '127.0.0.1', '--port', String(nats.port)],
      ...['--http_port', String(natsMonitor.port)],
      ...['--jetstream', '--store_dir', config.dirs.nats],
      ...['--server_name', 'sentimentops-local'],
    ],
    env: {},
    ports: [nats, natsMonitor],
    probe: async () => {
      const status = await httpStatus(health);
      return {
        live: status !== undefined,
        ready: status === 200,
        detail: `${health}: ${answer(status)}`,
      };
    },
    address: `nats://127.0.0.1:${nats.port}`,
    urls: [
      ['NATS', `nats://127.0.0.1:${nats.port}`],
      ['NATS monitoring', url(natsMonitor.port)],
    ],
  };
}

function postgresSpec(config) {
  const { postgres } = config.ports;
  const dbUrl = databaseUrl(postgres.port);
  return {
    name: 'postgres',
    stage: 0,
    command: [
      process.execPath,
      path.join(config.repoRoot, 'scripts/stack/postgres.mjs'),
      ...['--port', String(postgres.port), '--data-dir', config.dirs.postgres],
    ],
    env: {},
    ports: [postgres],
    probe: async () => {
      const live = await tcpOpen(postgres.port);
      const ready = live && (await postgresAnswers(dbUrl));
      const detail = `${dbUrl}: ${ready ? 'accepts queries' : live ? 'no login yet' : 'closed'}`;
      return { live, ready, detail };
    },
    address: dbUrl,
    urls: [['Postgres', dbUrl]],
  };
}

/** MLflow's tracking server and model registry (SQLite, artifacts served through it). */
function mlflowSpec(config) {
  const { mlflow } = config.ports;
  const health = url(mlflow.port, '/health');
  return {
    name: 'mlflow',
    stage: 0,
    command: [
      config.mlflow.python,
      ...['-m', 'mlflow', 'server'],
      ...['--backend-store-uri', `sqlite:///${path.join(config.dirs.mlflow, 'mlflow.db')}`],
      ...['--artifacts-destination', path.join(config.dirs.mlflow, 'artifacts')],
      ...['--host', '127.0.0.1', '--port', String(mlflow.port), '--workers', '1'],
    ],
    // MLflow 3's job runner (GenAI evaluation jobs: a handful of worker processes) is not used.
    env: { MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
    ports: [mlflow],
    probe: async () => {
      const status = await httpStatus(health);
      return {
        live: status !== undefined,
        ready: status === 200,
        detail: `${health}: ${answer(status)}`,
      };
    },
    address: url(mlflow.port),
    urls: [['MLflow UI', url(mlflow.port)]],
  };
}

/**
 * INFERENCE_REPLICAS=n: inference runs n times (inference, inference-2, ...), each on its own
 * HTTP port and instance id; the replicas share the NATS queue group of each track's subject.
 */
function withReplicas(config, app) {
  if (app.name !== 'inference') return [app];
  const base = config.ports[app.port];
  return Array.from({ length: config.inferenceReplicas }, (_, i) =>
    i === 0
      ? app
      : {
          ...app,
          name: `inference-${i + 1}`,
          entryName: 'inference',
          ownPort: { ...base, port: base.port + REPLICA_PORT_STEP * i },
        },
  );
}

function appSpec(config, app, adminTokens) {
  const ownPort = app.ownPort ?? config.ports[app.port];
  const { port } = ownPort;
  const entryName = app.entryName ?? app.name;
  const entry = config.appEntry?.replaceAll('{app}', entryName) ?? appDistEntry(entryName);
  const env = {
    NATS_URL: `nats://127.0.0.1:${config.ports.nats.port}`,
    LOG_LEVEL: config.logLevel,
    // Every port, so an app that calls another over HTTP finds it; and where local state lives.
    ...Object.fromEntries(Object.values(config.ports).map((p) => [p.env, String(p.port)])),
    SENTIMENTOPS_STATE_DIR: config.stateDir,
    SENTIMENTOPS_APP: app.name,
  };
  if (app.ownPort) {
    env[ownPort.env] = String(port);
    env.INSTANCE_ID = `${app.name}-local`;
  }
  if (app.database) env.DATABASE_URL = databaseUrl(config.ports.postgres.port);
  if (app.mlflow && config.mlflow) env.MLFLOW_TRACKING_URI = url(config.ports.mlflow.port);
  if (app.adminTokens) {
    env.SENTIMENTOPS_ADMIN_TOKENS = adminTokens;
    // The token is passed once, under its stack name: an exported single token must not reach the
    // gateway a second time under the gateway's default name.
    env.SENTIMENTOPS_ADMIN_TOKEN = '';
    env.GATEWAY_RATE_LIMIT_RPS = config.gatewayRateLimitRps;
  }
  return {
    name: app.name,
    stage: 1,
    command: [process.execPath, '--enable-source-maps', path.resolve(config.repoRoot, entry)],
    env,
    ports: [ownPort, ...(app.extraPorts ?? []).map((key) => config.ports[key])],
    probe: async () => {
      const status = await httpStatus(url(port, '/health/ready'));
      const live = status === 200 || (await httpStatus(url(port, '/health/live'))) === 200;
      const detail = `${url(port, '/health/ready')}: ${answer(status)}`;
      return { live, ready: status === 200, detail };
    },
    address: url(port, '/health/ready'),
    urls: [[app.name, `${url(port, '/health/ready')}  metrics: ${url(port, '/metrics')}`]],
  };
}

export const appDistEntry = (name) => `dist/apps/${name}/src/main.js`;
export const APP_NAMES = APPS.map((app) => app.name);

/** All processes of the stack, in start order. adminTokens: "name:token" for the gateway. */
export function processSpecs(config, { adminTokens = '' } = {}) {
  return [
    natsSpec(config),
    postgresSpec(config),
    ...(config.mlflow ? [mlflowSpec(config)] : []),
    ...APPS.flatMap((app) => withReplicas(config, app)).map((app) =>
      appSpec(config, app, adminTokens),
    ),
  ];
}
