import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Exactly-once effects over at-least-once delivery: the effect of an event and the record that it
 * was processed commit in one transaction, so a redelivered event is recognised and skipped.
 */
@Injectable()
export class ProcessedEvents {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `effect` unless `(consumer, eventId)` was processed before; returns whether it ran. */
  async runOnce(
    consumer: string,
    eventId: string,
    effect: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO processed_event (consumer, event_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      );
      if (inserted.length === 0) return false;
      await effect(manager);
      return true;
    });
  }
}
