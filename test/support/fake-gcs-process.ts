// A real fake-gcs-server (the Cloud Storage JSON API over memory) that a test owns, so the
// GCS artifact store is tested against an HTTP server that speaks the API, not a hand-written mock.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { httpStatus, logTail, waitFor } from './probes.js';

/** The fake-gcs-server `make install` builds; built here on first use if it is missing. */
export function fakeGcsServerBinary(): string {
  const binary = path.join(process.cwd(), '.cache/bin/fake-gcs-server');
  if (!fs.existsSync(binary)) {
    execFileSync(path.join(process.cwd(), 'scripts/install/fake-gcs-server.sh'), {
      stdio: 'inherit',
    });
  }
  return binary;
}

export class FakeGcsProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private port: number | undefined;
  private logDir: string | undefined;

  get logFile(): string {
    this.logDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'fake-gcs-'));
    return path.join(this.logDir, 'fake-gcs-server.log');
  }

  /** What GcsArtifactStore's `apiEndpoint` (ARTIFACT_GCS_ENDPOINT) takes. */
  get endpoint(): string {
    if (this.port === undefined) throw new Error('FakeGcsProcess has not been started yet');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server on a free port and resolves once its JSON API answers. */
  async start(timeoutMs = 15_000): Promise<void> {
    if (this.child) throw new Error('fake-gcs-server already runs');
    this.port = await freePort();
    const log = fs.openSync(this.logFile, 'a');
    // -external-url: resumable uploads continue at the URL the server returns in `Location`; it
    // must be the address the client reached, not the default `0.0.0.0`.
    // prettier-ignore
    const args = [
      '-scheme', 'http', '-host', '127.0.0.1', '-port', String(this.port),
      '-backend', 'memory', '-external-url', this.endpoint, '-log-level', 'warn',
    ];
    const child = spawn(fakeGcsServerBinary(), args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.unref(); // a forgotten server must not keep Jest alive; stop() still works
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = undefined;
    });

    try {
      await waitFor(
        `fake-gcs-server on port ${this.port}`,
        async () => {
          if (!this.child) throw new Error('fake-gcs-server exited during start-up');
          return (await httpStatus(`${this.endpoint}/storage/v1/b`)) === 200;
        },
        timeoutMs,
      );
    } catch (err) {
      await this.stop();
      throw new Error(`${(err as Error).message}; its log:\n${logTail(this.logFile)}`);
    }
  }

  /** Creates a bucket through the JSON API (the stores never create buckets themselves). */
  async createBucket(name: string): Promise<void> {
    const response = await fetch(`${this.endpoint}/storage/v1/b?project=test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (!response.ok) throw new Error(`creating bucket ${name}: HTTP ${response.status}`);
  }

  /** Graceful shutdown (SIGTERM), SIGKILL if it has not exited after `timeoutMs`. */
  async stop(timeoutMs = 5_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    if (this.logDir) fs.rmSync(this.logDir, { recursive: true, force: true });
    this.logDir = undefined;
  }
}
