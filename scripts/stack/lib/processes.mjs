// Background processes with a pid file and a log file each, so that `up`, `status` and `down`
// (separate invocations) all find the same processes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './config.mjs';
import { waitUntil } from './probes.mjs';

// Every process the stack starts carries this variable (the absolute state dir): it tells our
// processes from an unrelated one that reused a pid, and one stack from another.
const STACK_ID_VAR = 'SENTIMENTOPS_STACK_ID';

export const pidFile = (config, name) => path.join(config.dirs.pids, `${name}.pid`);
export const logFile = (config, name) => path.join(config.dirs.logs, `${name}.log`);

export function readPid(config, name) {
  try {
    const pid = Number(fs.readFileSync(pidFile(config, name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function removePidFile(config, name) {
  fs.rmSync(pidFile(config, name), { force: true });
}

/** Names of all pid files, including processes no longer in the spec table. */
export function pidFileNames(config) {
  if (!fs.existsSync(config.dirs.pids)) return [];
  return fs
    .readdirSync(config.dirs.pids)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => file.slice(0, -'.pid'.length));
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM'; // exists, but not ours to signal
  }
  // A zombie (exited, not yet reaped, e.g. in a container without an init) still "exists".
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** Alive and started by this stack (checked through /proc where there is one). */
export function isOurs(config, pid) {
  if (!pid || !isAlive(pid)) return false;
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return environ.includes(`${STACK_ID_VAR}=${config.stateDir}`);
  } catch {
    return true; // no /proc: the pid file is all we have
  }
}

/** The pid of our live process `name`, or undefined (dropping a pid file that is stale). */
export function runningPid(config, name) {
  const pid = readPid(config, name);
  if (pid && isOurs(config, pid)) return pid;
  if (pid) removePidFile(config, name);
  return undefined;
}

/** Starts spec.command in its own process group, detached from this script. */
export function startDetached(config, spec) {
  fs.mkdirSync(config.dirs.pids, { recursive: true });
  fs.mkdirSync(config.dirs.logs, { recursive: true });
  const log = logFile(config, spec.name);
  // Keep the previous run's log beside the new one: it often explains why we are restarting.
  if (fs.existsSync(log)) fs.renameSync(log, `${log}.1`);
  const out = fs.openSync(log, 'a');
  const [command, ...args] = spec.command;
  const child = spawn(command, args, {
    cwd: config.repoRoot,
    env: { ...process.env, ...spec.env, [STACK_ID_VAR]: config.stateDir },
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  child.on('error', () => undefined); // a spawn failure shows as "exited" while waiting
  child.unref();
  if (!child.pid) throw new StackError(`could not start ${spec.name}: ${spec.command.join(' ')}`);
  fs.writeFileSync(pidFile(config, spec.name), `${child.pid}\n`);
  return child.pid;
}

/**
 * SIGTERM (apps drain, Postgres shuts down fast, NATS closes cleanly); SIGKILL after the timeout.
 * Whatever is left in its process group then goes too: the postgres server when its wrapper
 * hung, or a local training job that trainer-controller left behind.
 */
export async function stopProcess(pid, timeoutMs) {
  if (!isAlive(pid)) return 'not running';
  process.kill(pid, 'SIGTERM');
  const exited = await waitUntil(() => !isAlive(pid), { timeoutMs, intervalMs: 100 });
  signalGroup(pid, exited ? 'SIGTERM' : 'SIGKILL');
  if (!exited) await waitUntil(() => !isAlive(pid), { timeoutMs: 2000, intervalMs: 100 });
  return exited ? 'stopped' : 'killed';
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // detached children lead their own group, whose id is their pid
  } catch {
    // the group is already empty
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}
