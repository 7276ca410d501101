import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Feedback by arrival time: live accuracy per version over an interval reads it that way. */
export class FeedbackTimeIndex1764400000002 implements MigrationInterface {
  name = 'FeedbackTimeIndex1764400000002';

  async up(q: QueryRunner) {
    await q.query(
      `CREATE INDEX feedback_occurred_idx ON feedback (occurred_at) WHERE prediction_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX feedback_occurred_idx`);
  }
}
