import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type EventContract, type EventSubject, validateMessage } from '@sentimentops/contracts';
import { EventPublisher } from '@sentimentops/messaging';
import { RequestContext } from '@sentimentops/observability';
import type { DataSource, EntityManager } from 'typeorm';

interface OutboxRow {
  id: string;
  subject: EventSubject;
  message_id: string;
  payload: object;
  request_id: string | null;
}

/** How often the relay looks for rows a crashed or failed publish left behind. */
const SWEEP_INTERVAL_MS = 1_000;
const BATCH = 100;
/** Published rows are kept this long (for inspection), then deleted by the sweep. */
const KEEP_PUBLISHED = '7 days';
const PRUNE_EVERY_SWEEPS = 3_600;
/** Only one relay publishes at a time (across replicas), so events leave in the order stored. */
const RELAY_LOCK_KEY = 0x5e0_0b0c;

/**
 * The transactional outbox: an event is written in the same transaction as the change it
 * announces, and a relay publishes it to JetStream afterwards (its message id makes a re-publish
 * after a crash a duplicate JetStream drops). A change is never stored without its event, nor an
 * event sent for a change that rolled back.
 */
@Injectable()
export class Outbox implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private sweeps = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
  ) {}

  /** Stores an event inside the caller's transaction; `flush()` after commit sends it sooner. */
  async add<T extends object>(
    manager: EntityManager,
    contract: EventContract<T>,
    payload: T,
    messageId: string,
  ): Promise<void> {
    const checked = validateMessage(contract.payload, payload);
    await manager.query(
      `INSERT INTO outbox (subject, message_id, payload, request_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO NOTHING`,
      [contract.subject, messageId, JSON.stringify(checked), RequestContext.requestId() ?? null],
    );
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      void this.flush();
      if (++this.sweeps % PRUNE_EVERY_SWEEPS === 0) void this.prune();
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.flush();
  }

  async onApplicationShutdown() {
    clearInterval(this.timer);
    await this.running;
  }

  /** Publishes what is pending; concurrent calls coalesce into one more pass. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.publishBatch()) === BATCH);
        } while (this.again);
      } catch (err) {
        // NATS or the database is away: the rows stay and the next sweep retries them.
        this.logger.warn(`outbox: publishing deferred (${String(err)})`);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async prune() {
    try {
      await this.dataSource.query(
        `DELETE FROM outbox WHERE published_at < now() - interval '${KEEP_PUBLISHED}'`,
      );
    } catch (err) {
      this.logger.warn(`outbox: pruning failed (${String(err)})`);
    }
  }

  /** Pending events (oldest first) in one transaction that holds the relay lock. */
  private publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock($1) AS locked`,
        [RELAY_LOCK_KEY],
      );
      if (!locked) return 0;
      const rows = await manager.query<OutboxRow[]>(
        `SELECT id, subject, message_id, payload, request_id FROM outbox
         WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH],
      );
      for (const row of rows) {
        await this.publisher.publishChecked(row.subject, row.payload, {
          messageId: row.message_id,
          requestId: row.request_id ?? undefined,
        });
        await manager.query(`UPDATE outbox SET published_at = now() WHERE id = $1`, [row.id]);
      }
      return rows.length;
    });
  }
}
