#!/usr/bin/env node
// The local SentimentOps platform (`make up`, `make down`, `make status`):
//
//   node scripts/stack/stack.mjs up       start what is not running, wait until all is ready
//   node scripts/stack/stack.mjs status   show what runs (exit 3 when something is not ready)
//   node scripts/stack/stack.mjs down     stop everything this stack started
//
// Each process runs detached with a pid file and a log under the state dir (.sentimentops/, or
// SENTIMENTOPS_STATE_DIR). Ports, token and timeouts come from env: see lib/config.mjs.
import fs from 'node:fs';
import { adminToken } from './lib/admin-token.mjs';
import { StackError, displayPath, loadConfig } from './lib/config.mjs';
import { isRoot } from './lib/pg-cluster.mjs';
import { ensurePrerequisites } from './lib/prerequisites.mjs';
import { portFree, waitUntil } from './lib/probes.mjs';
import {
  isAlive,
  isOurs,
  logFile,
  pidFileNames,
  readPid,
  removePidFile,
  runningPid,
  startDetached,
  stopProcess,
  tail,
} from './lib/processes.mjs';
import { processSpecs } from './lib/specs.mjs';

/** Specs grouped by stage, in start order. */
function stages(specs) {
  const numbers = [...new Set(specs.map((spec) => spec.stage))].sort((a, b) => a - b);
  return numbers.map((stage) => specs.filter((spec) => spec.stage === stage));
}

function logHint(config, spec) {
  const file = logFile(config, spec.name);
  const lines = tail(file).replace(/^/gm, '    ');
  return `Its log, ${displayPath(file)}, ends with:\n${lines}`;
}

/** Reuses a live, answering process; otherwise starts one on ports that must be free. */
async function ensureStarted(config, spec) {
  const pid = runningPid(config, spec.name);
  if (pid) {
    if ((await spec.probe()).live) {
      console.log(`${spec.name}: already running (pid ${pid})`);
      return pid;
    }
    console.log(`${spec.name}: pid ${pid} does not answer; restarting it`);
    await stopProcess(pid, config.stopTimeoutMs);
    removePidFile(config, spec.name);
  }
  for (const { port, env, what } of spec.ports) {
    if (!(await portFree(port))) {
      throw new StackError(
        `cannot start ${spec.name}: port ${port} (${what}) is in use by another process. ` +
          `Stop that process or choose another port with ${env}=<port>.`,
      );
    }
  }
  const started = startDetached(config, spec);
  console.log(
    `${spec.name}: started (pid ${started}, log ${displayPath(logFile(config, spec.name))})`,
  );
  return started;
}

async function waitReady(config, spec, pid) {
  let last;
  const ready = await waitUntil(
    async () => {
      last = await spec.probe();
      if (last.ready) return true;
      if (!isAlive(pid)) throw new StackError(`${spec.name} exited. ${logHint(config, spec)}`);
      return false;
    },
    { timeoutMs: config.readyTimeoutMs, intervalMs: 500 },
  );
  if (!ready) {
    const seconds = config.readyTimeoutMs / 1000;
    throw new StackError(
      `${spec.name} was not ready within ${seconds}s (${last.detail}). ${logHint(config, spec)}`,
    );
  }
}

function printSummary(config, specs, token) {
  const { gatewayHttp } = config.ports;
  const rows = [
    ['Gateway REST', `http://127.0.0.1:${gatewayHttp.port}`],
    ['API docs', `http://127.0.0.1:${gatewayHttp.port}/docs`],
    ...specs.flatMap((spec) => spec.urls),
    ['Admin token', `${displayPath(token.source)} (name "${token.name}")`],
    ['Logs', `${displayPath(config.dirs.logs)}/`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log('\nSentimentOps is up:');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}${value}`);
  console.log('Stop it with `make down`.');
}

/**
 * The state dir is ours, so as root we let the `postgres` user through it (search only, no
 * listing) to its data dir; e.g. a mkdtemp() state dir is 0700.
 */
function prepareStateDir(config) {
  fs.mkdirSync(config.stateDir, { recursive: true });
  if (isRoot()) fs.chmodSync(config.stateDir, fs.statSync(config.stateDir).mode | 0o001);
}

async function up(config) {
  ensurePrerequisites(config);
  prepareStateDir(config);
  const token = adminToken(config);
  const specs = processSpecs(config, { adminTokens: `${token.name}:${token.token}` });
  try {
    for (const stage of stages(specs)) {
      const pids = [];
      for (const spec of stage) pids.push(await ensureStarted(config, spec));
      await Promise.all(stage.map((spec, i) => waitReady(config, spec, pids[i])));
    }
  } catch (err) {
    if (err instanceof StackError) {
      err.message +=
        '\nWhatever did start keeps running; `make down` (stack.mjs down, same env) stops it.';
    }
    throw err;
  }
  printSummary(config, specs, token);
}

async function down(config) {
  const specs = processSpecs(config);
  const known = new Set(specs.map((spec) => spec.name));
  // Pid files the table no longer names (e.g. a replica that was dropped) go with the apps.
  const orphans = pidFileNames(config).filter((name) => !known.has(name));
  const [first = [], ...rest] = stages(specs)
    .reverse()
    .map((stage) => stage.map((spec) => spec.name));
  let stopped = 0;
  for (const names of [[...orphans, ...first], ...rest]) {
    await Promise.all(
      names.map(async (name) => {
        const pid = readPid(config, name);
        if (pid && isOurs(config, pid)) {
          const outcome = await stopProcess(pid, config.stopTimeoutMs);
          console.log(`${name}: ${outcome} (pid ${pid})`);
          stopped += 1;
        }
        removePidFile(config, name);
      }),
    );
  }
  if (stopped === 0) console.log(`nothing was running (state: ${displayPath(config.stateDir)})`);
}

async function status(config) {
  const specs = processSpecs(config);
  const rows = await Promise.all(
    specs.map(async (spec) => {
      const pid = runningPid(config, spec.name);
      if (!pid) return { spec, state: 'stopped', ready: false };
      const probe = await spec.probe();
      const state = probe.ready ? 'ready' : `not ready (${probe.detail})`;
      return { spec, state: `${state}, pid ${pid}`, ready: probe.ready };
    }),
  );
  console.log(`state: ${displayPath(config.stateDir)}`);
  for (const { spec, state } of rows) {
    console.log(`  ${spec.name.padEnd(20)}${state.padEnd(24)}${spec.address}`);
  }
  return rows.every((row) => row.ready) ? 0 : 3;
}

const COMMANDS = { up, down, status };

async function main() {
  const command = COMMANDS[process.argv[2]];
  if (!command || process.argv.length > 3) {
    console.error('usage: node scripts/stack/stack.mjs up|down|status');
    return 2;
  }
  try {
    return (await command(loadConfig())) ?? 0;
  } catch (err) {
    console.error(`error: ${err instanceof StackError ? err.message : (err?.stack ?? err)}`);
    return 1;
  }
}

// Exit explicitly: after a failure, probes of other processes may still be pending.
process.exit(await main());
