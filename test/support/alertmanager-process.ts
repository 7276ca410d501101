// A real Alertmanager (Debian's prometheus-alertmanager, `scripts/install/alertmanager.sh`) that a
// test owns, with the configuration the test gives it: notifications reach the test through a
// webhook receiver, where production routes them to Slack (monitoring/alertmanager/).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.js';
import { httpStatus, logTail, waitFor } from './probes.js';

/** Debian names the server `prometheus-alertmanager`; upstream releases `alertmanager`. */
export function alertmanagerBinary(): string {
  if (process.env.ALERTMANAGER_BIN) return process.env.ALERTMANAGER_BIN;
  for (const name of ['prometheus-alertmanager', 'alertmanager']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`])
        .toString()
        .trim();
    } catch {
      // not this one
    }
  }
  throw new Error('no Alertmanager binary: run scripts/install/alertmanager.sh');
}

export class AlertmanagerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private port = 0;

  constructor(
    private readonly dir: string,
    private readonly config: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 15_000): Promise<void> {
    this.port = await freePort();
    fs.mkdirSync(path.join(this.dir, 'data'), { recursive: true });
    const configFile = path.join(this.dir, 'alertmanager.yml');
    fs.writeFileSync(configFile, this.config);
    const logFile = path.join(this.dir, 'alertmanager.log');
    const log = fs.openSync(logFile, 'a');
    // prettier-ignore
    const args = [
      `--config.file=${configFile}`, `--storage.path=${path.join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.port}`, '--cluster.listen-address=',
    ];
    const child = spawn(alertmanagerBinary(), args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref();
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });
    try {
      await waitFor(
        `alertmanager on port ${this.port}`,
        async () => {
          if (!this.child) throw new Error('alertmanager exited during start-up');
          return (await httpStatus(`${this.url}/-/ready`)) === 200;
        },
        timeoutMs,
      );
    } catch (err) {
      await this.stop();
      throw new Error(`${(err as Error).message}; its log:\n${logTail(logFile)}`);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
