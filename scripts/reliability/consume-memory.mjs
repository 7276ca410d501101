#!/usr/bin/env node
// A JetStream consumer's resident memory under a steady stream, by how it acknowledges: the
// evidence behind libs/messaging/src/event-consumers.ts acknowledging with ack() and not ackAck().
// A nats-server of its own, a stream like PREDICTIONS (file storage, message ids, 120 s duplicate
// window); for each mode a fresh consumer process (consume(), max_messages 64, JSON parsed, then
// acknowledged) while this process publishes --rate messages a second; its VmRSS is sampled.
//
//   node scripts/reliability/consume-memory.mjs [--rate 100] [--seconds 300] [--modes ackAck,ack]
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from './lib/nats-server.mjs';
import { mib, rss, table } from './lib/report.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The child: consumes until killed, acknowledging each message the way `mode` says. */
async function consumeAs(port, mode) {
  const nc = await connect({ servers: `127.0.0.1:${port}` });
  await (
    await jetstreamManager(nc)
  ).consumers.add('P', {
    durable_name: `c-${mode}`,
    filter_subject: 'p.logged',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    ack_wait: 30e9,
  });
  const consumer = await jetstream(nc).consumers.get('P', `c-${mode}`);
  for await (const msg of await consumer.consume({ max_messages: 64 })) {
    JSON.parse(msg.string());
    if (mode === 'ackAck') await msg.ackAck();
    else msg.ack();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '300' },
      modes: { type: 'string', default: 'ackAck,ack' },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const server = await startNatsServer('consume-memory');
  const { port, nc } = server;
  try {
    await (
      await jetstreamManager(nc)
    ).streams.add({
      name: 'P',
      subjects: ['p.>'],
      storage: 'file',
      duplicate_window: 120e9,
    });
    const js = jetstream(nc);
    const body = JSON.stringify({ text: 'x'.repeat(600), score: 0.9 });
    const every = Math.max(1, Math.round(seconds / 10));
    const rows = [];
    for (const mode of values.modes.split(',')) {
      const child = fork(fileURLToPath(import.meta.url), ['--child', String(port), mode], {
        stdio: 'ignore',
      });
      await sleep(1000);
      const started = performance.now();
      const samples = [];
      let sent = 0;
      for (let s = 1; s <= seconds; s++) {
        const acks = [];
        for (let i = 0; i < rate; i++, sent++) {
          acks.push(js.publish('p.logged', body, { msgID: randomUUID() }));
        }
        await Promise.all(acks);
        const wait = started + s * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
        if (s === 15 || s % every === 0) samples.push({ s, bytes: rss(child.pid) });
      }
      child.kill();
      // From 15 s on: the consumer's start-up (connect, the first pull) is not what is measured.
      const first = samples.find((x) => x.s >= 15) ?? samples[0];
      const last = samples.at(-1);
      rows.push([
        mode,
        sent,
        samples.map((x) => `${x.s} s: ${mib(x.bytes)}`).join(', '),
        `${(((last.bytes - first.bytes) / first.bytes) * 100).toFixed(1)}%`,
      ]);
    }
    await nc.close();
    table(
      `JetStream consumer VmRSS (MiB) at ${rate} messages a second for ${seconds} s`,
      ['acknowledgement', 'messages', 'VmRSS over time', 'growth from 15 s'],
      rows,
    );
  } finally {
    server.stop();
  }
}

if (process.argv[2] === '--child') await consumeAs(process.argv[3], process.argv[4]);
else await main();
