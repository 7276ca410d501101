// A second local platform for end-to-end specs: the stack script `make up` runs, on free ports and
// a state folder of its own, so specs run beside a developer's `make up` and beside each other.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './ports.js';

const run = promisify(execFile);

/** The apps' HTTP port variables, in the stack's order. */
const APP_PORTS = {
  gateway: 'GATEWAY_HTTP_PORT',
  inference: 'INFERENCE_HTTP_PORT',
  registry: 'REGISTRY_HTTP_PORT',
  drift: 'DRIFT_HTTP_PORT',
  'trainer-controller': 'TRAINER_CONTROLLER_HTTP_PORT',
} as const;
export type StackApp = keyof typeof APP_PORTS;

export interface E2eStack {
  /** The environment the stack and its apps get; specs pass it on to the CLI and to scripts. */
  env: Record<string, string | undefined>;
  stateDir: string;
  /** http://127.0.0.1:<port> of an app. */
  url(app: StackApp): string;
  grpcAddress: string;
  stack(command: 'up' | 'down' | 'status'): Promise<{ stdout: string; stderr: string }>;
}

/** Picks the ports and the state folder; nothing starts until `stack('up')`. */
export async function e2eStack(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<E2eStack> {
  const root = process.cwd();
  const stateDir = mkdtempSync(join(tmpdir(), `sentimentops-e2e-${name}-`));
  const [nats, natsMonitor, pg, grpc, mlflow, ...apps] = await freePorts(
    5 + Object.keys(APP_PORTS).length,
  );
  const appPort = Object.fromEntries(Object.keys(APP_PORTS).map((app, i) => [app, apps[i]]));
  const env: Record<string, string | undefined> = {
    ...process.env,
    SENTIMENTOPS_STATE_DIR: stateDir,
    SENTIMENTOPS_NATS_PORT: String(nats),
    SENTIMENTOPS_NATS_MONITOR_PORT: String(natsMonitor),
    SENTIMENTOPS_PG_PORT: String(pg),
    GATEWAY_GRPC_PORT: String(grpc),
    SENTIMENTOPS_MLFLOW_PORT: String(mlflow),
    ...Object.fromEntries(
      Object.entries(APP_PORTS).map(([app, key]) => [key, String(appPort[app])]),
    ),
    ...extraEnv,
  };
  // The stack generates its own admin token into the state folder.
  delete env.SENTIMENTOPS_ADMIN_TOKEN;
  return {
    env,
    stateDir,
    url: (app) => `http://127.0.0.1:${appPort[app]}`,
    grpcAddress: `127.0.0.1:${grpc}`,
    stack: (command) =>
      run(process.execPath, ['scripts/stack/stack.mjs', command], {
        cwd: root,
        env,
        timeout: 280_000,
      }),
  };
}
