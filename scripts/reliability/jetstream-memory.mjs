#!/usr/bin/env node
// nats-server's resident memory while a JetStream file stream configured like PREDICTIONS (file
// storage, 7-day max age, 120 s duplicate window, no byte limit) is written at a steady rate,
// on a server of its own: the evidence for the soak's JetStream pre-fill. A leak climbs for the
// whole run; the file store's write cache climbs while the first blocks fill and then stays level.
//
//   node scripts/reliability/jetstream-memory.mjs [--rate 500] [--seconds 90] [--bytes 700]
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { fillStream } from './lib/jetstream-fill.mjs';
import { startNatsServer } from './lib/nats-server.mjs';
import { fixed, mib, rss, table } from './lib/report.mjs';

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

const server = await startNatsServer('jetstream-memory');
try {
  const { nc } = server;
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
  server.stop();
}
