import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type JobHandle,
  type JobResult,
  JobRunner,
  type JobSpec,
  parseProgress,
  type WatchOptions,
} from './job-runner.js';

export interface LocalRunnerOptions {
  /** The training CLI: its Python (the project's venv) runs `-m sentimentops_train`. */
  python: string;
  /** Working directory of the CLI (the repository, where its configs' relative paths resolve). */
  cwd: string;
  /** How often a followed job's files are read. */
  pollMs?: number;
}

/**
 * Runs a step as a local process (the embedded default). The process is detached and writes
 * everything to files in the run folder: `<step>.log` (stderr, the progress), `<step>.out`
 * (stdout, the `--json` summary), `<step>.pid`, and `<step>.exit` once it ends. So a controller
 * that was killed finds its job again after a restart: still running (pid alive), or finished
 * (exit file), and follows it from the files.
 */
export class LocalJobRunner extends JobRunner {
  private readonly pollMs: number;

  constructor(private readonly options: LocalRunnerOptions) {
    super();
    this.pollMs = options.pollMs ?? 250;
  }

  async start(spec: JobSpec): Promise<JobHandle> {
    const existing = await this.find(spec.runId, spec.step, spec.workDir);
    if (existing) return existing;
    const files = jobFiles(spec.workDir, spec.step);
    fs.mkdirSync(spec.workDir, { recursive: true });
    for (const f of [files.log, files.out, files.exit]) fs.rmSync(f, { force: true });
    // A shell wrapper records the exit status even when nobody is listening any more.
    const quoted = [this.options.python, '-m', 'sentimentops_train', ...spec.args].map(shellQuote);
    const script =
      `${quoted.join(' ')} >${shellQuote(files.out)} 2>${shellQuote(files.log)}; ` +
      `echo $? >${shellQuote(files.exit)}.tmp && mv ${shellQuote(files.exit)}.tmp ${shellQuote(files.exit)}`;
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        `exec timeout --kill-after=30 ${spec.timeoutSeconds} /bin/sh -c ${shellQuote(script)}`,
      ],
      {
        cwd: this.options.cwd,
        // The job inherits this process's environment (PATH, the venv, MLflow), plus the step's.
        // eslint-disable-next-line no-restricted-syntax
        env: { ...process.env, ...spec.env },
        detached: true,
        stdio: 'ignore',
      },
    );
    child.unref();
    fs.writeFileSync(files.pid, String(child.pid));
    return { name: `${spec.step}`, runId: spec.runId, step: spec.step, workDir: spec.workDir };
  }

  find(runId: string, step: string, workDir?: string): Promise<JobHandle | undefined> {
    if (!workDir) return Promise.resolve(undefined);
    const files = jobFiles(workDir, step);
    return Promise.resolve(
      fs.existsSync(files.pid) ? { name: step, runId, step, workDir } : undefined,
    );
  }

  async wait(handle: JobHandle, options: WatchOptions = {}): Promise<JobResult> {
    const files = jobFiles(handle.workDir!, handle.step);
    let offset = 0;
    let partial = '';
    const drain = () => {
      if (!fs.existsSync(files.log)) return;
      const size = fs.statSync(files.log).size;
      if (size <= offset) return;
      const fd = fs.openSync(files.log, 'r');
      const buffer = Buffer.alloc(size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      fs.closeSync(fd);
      offset = size;
      const lines = (partial + buffer.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        options.onLog?.(line);
        const progress = parseProgress(line);
        if (progress) options.onProgress?.(progress);
      }
    };
    for (;;) {
      drain();
      if (fs.existsSync(files.exit)) break;
      if (!isAlive(readPid(files.pid))) {
        // Gone without an exit status: killed with its wrapper (the machine, or cancel).
        await sleep(this.pollMs);
        if (fs.existsSync(files.exit)) break;
        drain();
        return { state: 'failed', reason: 'the job process disappeared without an exit status' };
      }
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
      await sleep(this.pollMs);
    }
    drain();
    if (partial) options.onLog?.(partial);
    const exitCode = Number(fs.readFileSync(files.exit, 'utf8').trim());
    const summary = lastJsonObject(
      fs.existsSync(files.out) ? fs.readFileSync(files.out, 'utf8') : '',
    );
    if (exitCode === 0) return { state: 'succeeded', exitCode, summary };
    const error = (summary?.error as { message?: string } | undefined)?.message;
    const reason =
      exitCode === 124 || exitCode === 137
        ? 'timed out'
        : (error ?? `exit code ${exitCode}${tailOf(files.log)}`);
    return { state: 'failed', exitCode, summary, reason };
  }

  async cancel(handle: JobHandle): Promise<void> {
    const files = jobFiles(handle.workDir!, handle.step);
    const pid = readPid(files.pid);
    if (!isAlive(pid)) return;
    try {
      process.kill(-pid!, 'SIGTERM'); // the whole process group: wrapper, timeout and the CLI
    } catch {
      return;
    }
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(-pid!, 'SIGKILL');
  }
}

function jobFiles(workDir: string, step: string) {
  const base = path.join(workDir, 'jobs', step);
  fs.mkdirSync(path.dirname(base), { recursive: true });
  return { log: `${base}.log`, out: `${base}.out`, pid: `${base}.pid`, exit: `${base}.exit` };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The CLI prints one JSON object on stdout (its `--json` summary); the last one that parses. */
export function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
    } catch {
      // a log line that is not the summary
    }
  }
  return undefined;
}

function tailOf(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    return lines.length ? `: ${lines.slice(-3).join(' | ')}` : '';
  } catch {
    return '';
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
