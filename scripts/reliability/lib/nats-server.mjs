// A throwaway nats-server with JetStream for the measurements that need NATS alone
// (jetstream-memory.mjs, consume-memory.mjs): the binary `make up` builds, else Debian's.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers';
import { connect } from '@nats-io/transport-node';
import { freePorts } from './stack.mjs';

const BINARIES = ['.cache/bin/nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server'];

/** Starts one on a free port with a temporary store; resolves once a client connects. */
export async function startNatsServer(name) {
  const bin = BINARIES.find((p) => fs.existsSync(p));
  if (!bin) throw new Error('no nats-server (run `make up` once, or install Debian nats-server)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const [port] = await freePorts(1);
  const child = spawn(bin, ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const servers = `127.0.0.1:${port}`;
  const stop = () => {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    const nc = await connect({ servers }).catch(() => undefined);
    if (nc) return { port, pid: child.pid, servers, nc, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error('nats-server did not start');
}
