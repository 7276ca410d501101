import { Injectable, type OnModuleInit } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection as Nc } from '@nats-io/transport-node';
import {
  ContractViolationError,
  FeedbackReceived,
  type FeedbackReceivedV1,
} from '@sentimentops/contracts';
import { EventConsumers, EventPublisher } from '@sentimentops/messaging';
import { processedEventMigration, ProcessedEvents } from '@sentimentops/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

const SCHEMA = 'it_events';
const DURABLE = 'it-feedback-store';

/** Knobs the tests turn to make the handler fail or hang. */
const behaviour = { failuresLeft: 0, hold: undefined as Promise<void> | undefined, calls: 0 };

/** Stores each feedback label once, in the same transaction as the processed-event record. */
@Injectable()
class FeedbackStore implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly processed: ProcessedEvents,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: FeedbackReceived,
      durable: DURABLE,
      ackWaitMs: 5_000,
      handler: async (event: FeedbackReceivedV1, meta) => {
        behaviour.calls++;
        if (behaviour.hold) await behaviour.hold;
        if (behaviour.failuresLeft > 0) {
          behaviour.failuresLeft--;
          throw new Error('transient failure');
        }
        await this.processed.runOnce(DURABLE, meta.messageId, async (m) => {
          await m.query(`INSERT INTO it_feedback (feedback_id, label) VALUES ($1, $2)`, [
            event.feedbackId,
            event.label,
          ]);
        });
      },
    });
  }
}

class CreateFeedbackTable1764180000001 {
  name = 'CreateFeedbackTable1764180000001';
  async up(q: { query(s: string): Promise<unknown> }) {
    await q.query(
      `CREATE TABLE "${SCHEMA}"."it_feedback" (feedback_id uuid NOT NULL, label text NOT NULL)`,
    );
  }
  async down() {}
}

function feedback(): FeedbackReceivedV1 {
  return {
    feedbackId: randomUUID(),
    text: 'a film I will not forget',
    label: 'positive',
    source: 'api',
    occurredAt: new Date().toISOString(),
  };
}

describe('durable events over JetStream', () => {
  let t: TestApp;
  let nc: Nc;
  let db: DataSource;

  const stored = async (id: string) => {
    const rows: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM it_feedback WHERE feedback_id = $1`,
      [id],
    );
    return rows[0].n;
  };
  const pending = async () => {
    const info = await (await jetstreamManager(nc)).consumers.info('FEEDBACK', DURABLE);
    return { ackPending: info.num_ack_pending, waiting: info.num_pending };
  };

  beforeAll(async () => {
    nc = await connect({ servers: process.env.TEST_NATS_URL });
    // A clean slate: the stream and the durable consumer are shared with nobody but this file.
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete('FEEDBACK').catch(() => undefined);
    t = await startTestApp({
      schema: SCHEMA,
      migrations: [processedEventMigration(SCHEMA), CreateFeedbackTable1764180000001],
      providers: [FeedbackStore],
    });
    db = t.app.get(DataSource);
    await eventually(async () => (await fetch(`${t.url}/health/ready`)).status === 200);
  });

  afterAll(async () => {
    await t?.app.close();
    await nc?.close();
  });

  beforeEach(() => Object.assign(behaviour, { failuresLeft: 0, hold: undefined, calls: 0 }));

  it('stores the effect of a published event exactly once', async () => {
    const event = feedback();
    const ack = await t.app
      .get(EventPublisher)
      .publish(FeedbackReceived, event, { messageId: event.feedbackId });
    expect(ack.stream).toBe('FEEDBACK');
    await eventually(async () => (await stored(event.feedbackId)) === 1);
    await eventually(async () => (await pending()).ackPending === 0);
  });

  it('drops a re-published event with the same id (JetStream de-duplication)', async () => {
    const event = feedback();
    const publisher = t.app.get(EventPublisher);
    await publisher.publish(FeedbackReceived, event, { messageId: event.feedbackId });
    const again = await publisher.publish(FeedbackReceived, event, { messageId: event.feedbackId });
    expect(again.duplicate).toBe(true);
    await eventually(async () => (await stored(event.feedbackId)) === 1);
  });

  it('acknowledges only after the handler has stored its effect', async () => {
    let release!: () => void;
    behaviour.hold = new Promise((r) => (release = r));
    const event = feedback();
    await t.app
      .get(EventPublisher)
      .publish(FeedbackReceived, event, { messageId: event.feedbackId });
    await eventually(() => behaviour.calls === 1);
    expect((await pending()).ackPending).toBe(1);
    expect(await stored(event.feedbackId)).toBe(0);
    release();
    await eventually(async () => (await pending()).ackPending === 0);
    expect(await stored(event.feedbackId)).toBe(1);
  });

  it('redelivers after a handler failure and still stores once', async () => {
    behaviour.failuresLeft = 2;
    const event = feedback();
    await t.app
      .get(EventPublisher)
      .publish(FeedbackReceived, event, { messageId: event.feedbackId });
    await eventually(async () => (await stored(event.feedbackId)) === 1, 15_000);
    expect(behaviour.calls).toBe(3);
  });

  it('terminates a message that breaks the contract instead of retrying it, and moves on', async () => {
    const js = jetstream(nc);
    await js.publish(
      FeedbackReceived.subject,
      JSON.stringify({ feedbackId: 'nope', label: 'meh' }),
    );
    await js.publish(FeedbackReceived.subject, '{not json');
    const event = feedback();
    await t.app
      .get(EventPublisher)
      .publish(FeedbackReceived, event, { messageId: event.feedbackId });
    await eventually(async () => (await stored(event.feedbackId)) === 1);
    expect(behaviour.calls).toBe(1);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sentimentops_event_handler_duration_seconds_count\{[^}]*outcome="term"[^}]*\} 2/,
    );
  });

  it('refuses to publish a payload that breaks the contract', async () => {
    const bad = { ...feedback(), label: 'neutral' } as unknown as FeedbackReceivedV1;
    await expect(
      t.app.get(EventPublisher).publish(FeedbackReceived, bad, { messageId: randomUUID() }),
    ).rejects.toBeInstanceOf(ContractViolationError);
  });

  it('skips an event already processed (idempotent handler over at-least-once delivery)', async () => {
    const processed = t.app.get(ProcessedEvents);
    const id = randomUUID();
    const effect = jest.fn(() => Promise.resolve());
    expect(await processed.runOnce('it-direct', id, effect)).toBe(true);
    expect(await processed.runOnce('it-direct', id, effect)).toBe(false);
    expect(effect).toHaveBeenCalledTimes(1);
  });
});
