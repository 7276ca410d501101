// A real MLflow tracking + model registry server for a test: `mlflow server` from the project's
// Python venv (`make venv`), SQLite backend and served artifacts in a temp dir, on a free loopback
// port. About 20-40 s to start on 2 cores, so start one per spec file (beforeAll).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { httpStatus, isAlive, logTail, waitFor } from './probes.js';

export interface MlflowServer {
  /** http://127.0.0.1:<port>, what MLFLOW_TRACKING_URI is set to. */
  url: string;
  port: number;
  pid: number;
  /** Its database, artifacts and log; removed by stop() unless SENTIMENTOPS_KEEP_TEST_STACK=1. */
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** The venv's python: $SENTIMENTOPS_VENV or .cache/venv, as the Makefile has it. */
export function venvPython(): string {
  const venv = path.resolve(process.env.SENTIMENTOPS_VENV || '.cache/venv');
  const python = path.join(venv, 'bin/python');
  if (!fs.existsSync(python)) {
    throw new Error(`no Python venv at ${venv} (mlflow server runs from it): run \`make venv\``);
  }
  return python;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export async function startMlflowServer(
  options: { timeoutMs?: number } = {},
): Promise<MlflowServer> {
  const python = venvPython();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentimentops-mlflow-'));
  const port = await freePort();
  const logFile = path.join(dir, 'server.log');
  // prettier-ignore
  const args = [
    '-m', 'mlflow', 'server',
    '--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`,
    '--artifacts-destination', path.join(dir, 'artifacts'),
    '--host', '127.0.0.1', '--port', String(port),
    '--workers', '1',
  ];
  const log = fs.openSync(logFile, 'a');
  const child = spawn(python, args, {
    // Its own process group: `mlflow server` runs uvicorn (and more) as children; stop() ends all.
    detached: true,
    stdio: ['ignore', log, log],
    // MLflow 3's job runner (GenAI evaluation jobs, several huey worker processes) is not used here
    // and would double the start time on 2 cores.
    env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
  });
  fs.closeSync(log);
  child.unref(); // a forgotten server must not keep Jest alive; stop() still works
  const pid = child.pid!;
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = async () => {
    signalGroup(pid, 'SIGTERM');
    try {
      await waitFor('mlflow server to stop', () => !isAlive(pid), 10_000);
    } catch {
      // its graceful stop waits for idle keep-alive connections: no need to wait for that
    }
    signalGroup(pid, 'SIGKILL');
    if (process.env.SENTIMENTOPS_KEEP_TEST_STACK === '1')
      console.log(`mlflow server files kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `mlflow server on port ${port}`,
      async () => {
        if (exited) throw new Error('mlflow server exited during start-up');
        return (await httpStatus(`${url}/health`)) === 200;
      },
      options.timeoutMs ?? 120_000,
      250,
    );
  } catch (err) {
    const tail = logTail(logFile);
    await stop();
    throw new Error(`${(err as Error).message}; its log:\n${tail}`);
  }
  return { url, port, pid, dir, logFile, stop };
}
