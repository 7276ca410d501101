import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run can end `rejected` (its candidate did not beat the champion on the new data, or fell
 * behind it on the old): a terminal state, so the one-active-run index leaves it out.
 */
export class RejectedRuns1764500000002 implements MigrationInterface {
  name = 'RejectedRuns1764500000002';

  async up(q: QueryRunner) {
    await q.query(`DROP INDEX pipeline_run_one_active`);
    await q.query(`
      CREATE UNIQUE INDEX pipeline_run_one_active ON pipeline_run ((true))
      WHERE state NOT IN ('succeeded', 'failed', 'cancelled', 'skipped', 'rejected')`);
  }

  async down(q: QueryRunner) {
    await q.query(`DROP INDEX pipeline_run_one_active`);
    await q.query(`
      CREATE UNIQUE INDEX pipeline_run_one_active ON pipeline_run ((true))
      WHERE state NOT IN ('succeeded', 'failed', 'cancelled', 'skipped')`);
  }
}
