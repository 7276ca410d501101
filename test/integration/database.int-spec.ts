import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations as driftMigrations } from '../../apps/drift/src/migrations/index.js';
import { migrations as registryMigrations } from '../../apps/registry/src/migrations/index.js';
import { eventually, startTestApp } from '../support/test-app.js';

async function tablesIn(schema: string): Promise<string[]> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    return rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

describe('each stateful app owns a schema and migrates it at boot', () => {
  // Closed even when an expectation fails: an app left open keeps Jest from exiting.
  const open: { app: { close(): Promise<void> } }[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.app.close().catch(() => undefined);
  });

  it('creates the schema, runs the migrations once, and reports the database in readiness', async () => {
    const first = await startTestApp({ schema: 'registry', migrations: registryMigrations });
    open.push(first);
    await eventually(async () => (await fetch(`${first.url}/health/ready`)).status === 200);
    const ready = (await (await fetch(`${first.url}/health/ready`)).json()) as {
      details: Record<string, unknown>;
    };
    expect(ready.details.database).toMatchObject({ status: 'up' });
    expect(await tablesIn('registry')).toEqual([
      'audit_event',
      'dataset_version',
      'evaluation',
      'migrations',
      'model_alias',
      'model_version',
      'outbox',
      'processed_event',
      'registered_model',
      'training_run',
    ]);

    await open.pop()!.app.close();

    // A restart finds the migrations applied and runs nothing again.
    const second = await startTestApp({ schema: 'registry', migrations: registryMigrations });
    open.push(second);
    const applied = await second.app.get(DataSource).query(`SELECT name FROM migrations`);
    expect(applied).toHaveLength(registryMigrations.length);
  });

  it('keeps apps apart: a second app migrates its own schema, not the first one', async () => {
    const drift = await startTestApp({ schema: 'drift', migrations: driftMigrations });
    open.push(drift);
    expect(await tablesIn('drift')).toEqual([
      'drift_report',
      'feedback',
      'logged_prediction',
      'migrations',
      'outbox',
      'processed_event',
      'schedule',
    ]);
    const searchPath: { search_path: string }[] = await drift.app
      .get(DataSource)
      .query(`SHOW search_path`);
    expect(searchPath[0].search_path).toContain('drift');
  });
});
