#!/usr/bin/env node
// nats-server's resident memory while a JetStream file stream configured like PREDICTIONS (file
// storage, 7-day max age, 120 s duplicate window, no byte limit) is written at a steady rate,
// on a server of its own: the evidence for the soak's JetStream pre-fill. A leak climbs for the
// whole run; the file store's write cache climbs while the first blocks fill and then stays level.
//
//   node scripts/reliability/jetstream-memory.mjs [--rate 500] [--seconds 90] [--bytes 700]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { fillStream } from './lib/jetstream-fill.mjs';
import { fixed, mib, rss, table } from './lib/report.mjs';
import { freePorts } from './lib/stack.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '90' },
    bytes: { type: 'string', default: '700' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const messageBytes = Number(values.bytes);

const bin = ['.cache/bin/nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) =>
  fs.existsSync(p),
);
if (!bin) {
  console.error('error: no nats-server (run `make up` once, or install Debian nats-server)');
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-memory-'));
const [port] = await freePorts(1);
const server = spawn(bin, ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port)], {
  stdio: 'ignore',
});
try {
  const servers = `127.0.0.1:${port}`;
  let nc;
  for (let i = 0; i < 50 && !nc; i++) {
    nc = await connect({ servers }).catch(() => new Promise((r) => setTimeout(r, 100)));
  }
  if (!nc) throw new Error('nats-server did not start');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: 'PREDICTIONS',
    subjects: ['prediction.>'],
    storage: 'file',
    max_age: 7 * 86_400 * 1e9,
    duplicate_window: 120 * 1e9,
  });
  const js = jetstream(nc);
  const samples = [[0, rss(server.pid), 0]];
  const started = performance.now();
  let written = 0;
  // One second's messages at a time: a steady rate without a timer per message.
  for (let s = 1; s <= seconds; s++) {
    written += await fillStream(js, {
      subject: 'prediction.logged.v1',
      bytes: rate * messageBytes,
      messageBytes,
    });
    const wait = started + s * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (s % Math.max(1, Math.round(seconds / 15)) === 0)
      samples.push([s, rss(server.pid), written]);
  }
  const info = await jsm.streams.info('PREDICTIONS');
  await nc.close();
  table(
    `nats-server VmRSS while ${rate} messages of ${messageBytes} bytes a second are written to a ` +
      `file stream for ${seconds} s (${info.state.messages} messages, ${mib(info.state.bytes)} MiB stored)`,
    ['second', 'VmRSS (MiB)', 'messages written', 'MiB written'],
    samples.map(([t, bytes, n]) => [t, mib(bytes), n, fixed((n * messageBytes) / 2 ** 20, 1)]),
  );
} finally {
  server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
