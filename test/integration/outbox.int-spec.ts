// The transactional outbox against real PostgreSQL and a NATS server this spec stops and starts:
// an event stored with its change survives NATS being away and is published, in order, once it is
// back; an event whose transaction rolled back is never published.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ModelRegistered, type ModelRegisteredV1 } from '@sentimentops/contracts';
import { Outbox, outboxMigration } from '@sentimentops/persistence';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { NatsProcess } from '../support/nats-process.js';
import { freePort } from '../support/ports.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

const SCHEMA = 'it_outbox';

const registered = (version: string): ModelRegisteredV1 => ({
  modelName: 'outbox-it',
  version,
  artifactUri: `file:///models/${version}`,
  occurredAt: new Date().toISOString(),
});

describe('the transactional outbox', () => {
  let nats: NatsProcess;
  let t: TestApp;
  let outbox: Outbox;
  let dataSource: DataSource;

  /** Stores an event in a transaction of its own, as a change would. */
  const store = (version: string, commit = true) =>
    dataSource
      .transaction(async (manager) => {
        await outbox.add(manager, ModelRegistered, registered(version), `outbox-it:${version}`);
        if (!commit) throw new Error('rolled back');
      })
      .catch((err: Error) => {
        if (commit) throw err;
      });

  /** Every model.registered.v1 of this spec in the stream, in stream order. */
  async function published(): Promise<string[]> {
    const nc = await connect({ servers: nats.url });
    try {
      const name = `outbox-it-${Date.now()}`;
      await (
        await jetstreamManager(nc)
      ).consumers.add('MODELS', {
        name,
        filter_subject: ModelRegistered.subject,
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.All,
        inactive_threshold: 10_000_000_000,
      });
      const consumer = await jetstream(nc).consumers.get('MODELS', name);
      const versions: string[] = [];
      for (;;) {
        const m = await consumer.next({ expires: 1_000 });
        if (!m) return versions;
        const event = m.json<ModelRegisteredV1>();
        if (event.modelName === 'outbox-it') versions.push(event.version);
      }
    } finally {
      await nc.close();
    }
  }

  const pending = async () =>
    Number(
      (
        await dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`,
        )
      )[0].n,
    );

  beforeAll(async () => {
    nats = new NatsProcess({
      port: await freePort(),
      storeDir: join(mkdtempSync(join(tmpdir(), 'it-outbox-nats-')), 'store'),
    });
    await nats.start();
    t = await startTestApp({
      env: { NATS_URL: nats.url },
      schema: SCHEMA,
      migrations: [outboxMigration(SCHEMA)],
      providers: [Outbox],
    });
    outbox = t.app.get(Outbox);
    dataSource = t.app.get(DataSource);
    await eventually(async () => (await fetch(`${t.url}/health/ready`)).status === 200);
  });

  afterAll(async () => {
    await t?.app.close();
    await nats?.stop();
  });

  it('publishes what was committed, once, and nothing of a rolled-back transaction', async () => {
    await store('1');
    await store('2', false);
    await outbox.flush();
    await store('1'); // the same message id again: one row, one event
    await outbox.flush();
    expect(await published()).toEqual(['1']);
    expect(await pending()).toBe(0);
  });

  it('keeps events while NATS is away and publishes them in order when it returns', async () => {
    await nats.kill();
    for (const version of ['3', '4', '5']) await store(version);
    await outbox.flush();
    expect(await pending()).toBe(3);
    await nats.start();
    // The relay's sweep picks them up without anyone asking.
    await eventually(async () => (await pending()) === 0, 30_000, 200);
    expect(await published()).toEqual(['1', '3', '4', '5']);
  });
});
