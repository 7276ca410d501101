import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsProcess } from '../support/nats-process.js';
import { freePort } from '../support/ports.js';
import { eventually, startTestApp, type TestApp } from '../support/test-app.js';

const status = async (url: string) => (await fetch(url)).status;

describe('an app whose NATS is away', () => {
  let nats: NatsProcess;
  let t: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    nats = new NatsProcess({
      port,
      storeDir: join(mkdtempSync(join(tmpdir(), 'it-nats-')), 'store'),
    });
    // NATS is NOT running yet: the app must start anyway.
    t = await startTestApp({ env: { NATS_URL: nats.url } });
  });

  afterAll(async () => {
    await t?.app.close();
    await nats?.stop();
  });

  it('starts, is live, and says it is not ready', async () => {
    expect(await status(`${t.url}/health/live`)).toBe(200);
    const ready = await fetch(`${t.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'error',
      details: { nats: { status: 'down' } },
    });
  });

  it('becomes ready within 5 s of NATS starting', async () => {
    await nats.start();
    const took = await eventually(
      async () => (await status(`${t.url}/health/ready`)) === 200,
      5_000,
    );
    expect(took).toBeLessThan(5_000);
  });

  it('goes unready when NATS stops and ready again within 5 s of its return', async () => {
    await nats.kill();
    await eventually(async () => (await status(`${t.url}/health/ready`)) === 503, 10_000);
    expect(await status(`${t.url}/health/live`)).toBe(200);
    await nats.start();
    await eventually(async () => (await status(`${t.url}/health/ready`)) === 200, 5_000);
  });
});
