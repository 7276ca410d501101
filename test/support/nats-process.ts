// A real nats-server (JetStream on) that a test owns: start, stop, crash and restart it on the
// same port and store, e.g. to check that apps reconnect when NATS comes back.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.js';
import { httpStatus, logTail, waitFor } from './probes.js';

export interface NatsProcessOptions {
  port: number;
  /** JetStream store; keep it across restarts so streams and consumers survive. */
  storeDir: string;
  /** Monitoring port (/healthz, /jsz); a free one is picked when left out. */
  monitorPort?: number;
  /** Where the server's output goes; <storeDir>.log when left out. */
  logFile?: string;
}

/** The nats-server `make install` builds; built here on first use if it is missing. */
export function natsServerBinary(): string {
  const binary = path.join(process.cwd(), '.cache/bin/nats-server');
  if (!fs.existsSync(binary)) {
    execFileSync(path.join(process.cwd(), 'scripts/install/nats-server.sh'), { stdio: 'inherit' });
  }
  return binary;
}

export class NatsProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private monitorPort: number | undefined;
  readonly logFile: string;

  constructor(private readonly options: NatsProcessOptions) {
    this.monitorPort = options.monitorPort;
    this.logFile = options.logFile ?? `${options.storeDir}.log`;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.options.port}`;
  }

  get monitorUrl(): string {
    if (this.monitorPort === undefined) throw new Error('NatsProcess has not been started yet');
    return `http://127.0.0.1:${this.monitorPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the server and resolves once it serves clients with JetStream enabled. */
  async start(timeoutMs = 15_000): Promise<void> {
    if (this.child) throw new Error(`nats-server already runs on port ${this.options.port}`);
    this.monitorPort ??= await freePort();
    fs.mkdirSync(this.options.storeDir, { recursive: true });
    const log = fs.openSync(this.logFile, 'a');
    // prettier-ignore
    const args = [
      '--addr', '127.0.0.1', '--port', String(this.options.port),
      '--http_port', String(this.monitorPort),
      '--jetstream', '--store_dir', this.options.storeDir,
    ];
    const child = spawn(natsServerBinary(), args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref(); // a forgotten server must not keep Jest alive; stop() still works
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });

    try {
      await waitFor(
        `nats-server on port ${this.options.port}`,
        async () => {
          if (!this.child) throw new Error('nats-server exited during start-up');
          return (await httpStatus(`${this.monitorUrl}/healthz`)) === 200;
        },
        timeoutMs,
      );
    } catch (err) {
      await this.stop();
      throw new Error(`${(err as Error).message}; its log:\n${logTail(this.logFile)}`);
    }
  }

  /** Graceful shutdown (SIGTERM), SIGKILL if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** An abrupt crash (SIGKILL): no goodbye to clients. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}
