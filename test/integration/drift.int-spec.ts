// The drift app as it runs, beside a real registry (which registers the bundled model and says
// where its reference profile is), on a database of their own in the integration PostgreSQL and
// the integration NATS: logged predictions and feedback arrive as JetStream events, checks run
// over NATS, reports are stored and a drifting window is published as drift.detected.v1.
import { type INestApplication } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection as Nc } from '@nats-io/transport-node';
import { loadConfig } from '@sentimentops/config';
import {
  DriftDetected,
  type DriftDetectedV1,
  driftContracts,
  FeedbackReceived,
  PredictionLogged,
  type PredictionLoggedV1,
} from '@sentimentops/contracts';
import { EventPublisher, NatsRequester } from '@sentimentops/messaging';
import { bootstrap } from '@sentimentops/service-kit';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { DriftConfig } from '../../apps/drift/src/drift.config.js';
import { DriftModule } from '../../apps/drift/src/drift.module.js';
import { RegistryConfig } from '../../apps/registry/src/registry.config.js';
import { RegistryModule } from '../../apps/registry/src/registry.module.js';
import { freePort } from '../support/ports.js';
import { eventually, purgeStreams } from '../support/test-app.js';

const DEMO = path.resolve('models/sentiment-demo');

interface Profile {
  features: Record<'score' | 'token_length' | 'unknown_token_rate', { sample: number[] }>;
}

/** A seeded generator (mulberry32): the same windows on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('drift (with the registry, PostgreSQL, NATS, JetStream)', () => {
  const apps: INestApplication[] = [];
  let requester: NatsRequester;
  let publisher: EventPublisher;
  let nc: Nc;
  let database: string;
  const detected: DriftDetectedV1[] = [];
  const profile = JSON.parse(
    fs.readFileSync(path.join(DEMO, 'reference-profile.json'), 'utf8'),
  ) as Profile;
  const rand = random(7);

  /** Predictions like the reference's rows (resampled), or with texts `lengthen` times longer. */
  function predictions(n: number, lengthen = 1): PredictionLoggedV1[] {
    const { score, token_length, unknown_token_rate } = profile.features;
    return Array.from({ length: n }, () => {
      const i = Math.floor(rand() * score.sample.length);
      const s = score.sample[i];
      const tokens = Math.round(token_length.sample[i] * lengthen);
      return {
        predictionId: randomUUID(),
        modelName: 'sentiment',
        modelVersion: '1',
        track: 'champion',
        label: s >= 0.5 ? 'positive' : 'negative',
        score: s,
        tokenCount: tokens,
        unknownTokenRate: unknown_token_rate.sample[i],
        truncated: tokens > 128,
        latencyMs: 3,
        occurredAt: new Date().toISOString(),
      };
    });
  }

  const publish = (events: PredictionLoggedV1[]) =>
    Promise.all(
      events.map((e) => publisher.publish(PredictionLogged, e, { messageId: e.predictionId })),
    );

  const check = () =>
    requester.request(
      driftContracts.check,
      { modelName: 'sentiment', windowMinutes: 30, actor: 'it' },
      30_000,
    );

  async function stored(): Promise<number> {
    const client = new Client({ connectionString: databaseUrl(database) });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM drift.logged_prediction',
      );
      return Number(rows[0].n);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    // A database of their own: the registry's first start (bootstrap) happens here.
    database = `drift_it_${Date.now()}`;
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const common = {
      NATS_URL: process.env.TEST_NATS_URL,
      DATABASE_URL: databaseUrl(database),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const registryConfig = loadConfig(RegistryConfig, {
      ...common,
      REGISTRY_HTTP_PORT: String(await freePort()),
      REGISTRY_BOOTSTRAP_MODEL_URI: DEMO,
    });
    const driftPort = await freePort();
    const driftConfig = loadConfig(DriftConfig, {
      ...common,
      DRIFT_HTTP_PORT: String(driftPort),
      DRIFT_CHECK_INTERVAL_S: '0',
    });
    // Suites before this one (inference serving, rollouts) leave predictions and feedback there,
    // and every count below is of this suite's events alone.
    await purgeStreams('PREDICTIONS', 'FEEDBACK');
    apps.push(await bootstrap(RegistryModule.forRoot(registryConfig), registryConfig));
    apps.push(await bootstrap(DriftModule.forRoot(driftConfig), driftConfig));
    requester = apps[1].get(NatsRequester);
    publisher = apps[1].get(EventPublisher);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${driftPort}/health/ready`)).status === 200,
      60_000,
    );

    nc = await connect({ servers: process.env.TEST_NATS_URL });
    const name = `it-drift-${randomUUID().slice(0, 8)}`;
    await (
      await jetstreamManager(nc)
    ).consumers.add('DRIFT', {
      name,
      filter_subject: DriftDetected.subject,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await (await jetstream(nc).consumers.get('DRIFT', name)).consume();
    void (async () => {
      for await (const m of messages) detected.push(m.json<DriftDetectedV1>());
    })();
  }, 120_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await nc?.close();
  });

  it('calls a window with too few predictions insufficient data, never no drift', async () => {
    await publish(predictions(50));
    await eventually(async () => (await stored()) === 50, 20_000);
    const report = await check();
    expect(report).toMatchObject({ status: 'insufficient-data', n: 50, modelVersion: '1' });
  });

  it('finds no drift in traffic like the reference, and measures live accuracy on feedback', async () => {
    const window = predictions(1450);
    await publish(window);
    // Feedback for 100 predictions: the true label is the predicted one for 90 of them.
    await Promise.all(
      window.slice(0, 100).map((p, i) => {
        const wrong = p.label === 'positive' ? 'negative' : 'positive';
        const feedbackId = randomUUID();
        return publisher.publish(
          FeedbackReceived,
          {
            feedbackId,
            predictionId: p.predictionId,
            label: i < 90 ? p.label : wrong,
            source: 'api',
            occurredAt: new Date().toISOString(),
          },
          { messageId: feedbackId },
        );
      }),
    );
    await eventually(async () => (await stored()) === 1500, 30_000);
    await eventually(async () => (await check()).quality.labelled === 100, 20_000, 500);
    const report = await check();
    expect(report.status).toBe('no-drift');
    expect(report.n).toBe(1500);
    expect(report.quality.accuracy).toBeCloseTo(0.9, 10);
    expect(report.quality.estimatedAccuracy).toBeGreaterThan(0.9);
    expect(report.features.map((f) => f.name)).toEqual([
      'score',
      'token_length',
      'unknown_token_rate',
      'predicted_label',
      'truncated',
    ]);
    const score = report.features[0];
    expect(score).toMatchObject({ kind: 'numeric', drifting: false, ks_method: 'exact' });
    expect(score.psi).toBeLessThan(0.1);
  });

  it('detects longer texts, stores the report, renders it and publishes drift.detected.v1', async () => {
    await publish(predictions(3000, 3));
    await eventually(async () => (await stored()) === 4500, 30_000);
    const report = await check();
    expect(report).toMatchObject({ status: 'drift', severity: 'alert' });
    const drifting = report.features.filter((f) => f.drifting).map((f) => f.name);
    expect(drifting).toEqual(expect.arrayContaining(['token_length', 'truncated']));
    expect(drifting).not.toContain('score');

    await eventually(() => detected.some((d) => d.reportId === report.id), 10_000);
    expect(detected.find((d) => d.reportId === report.id)).toMatchObject({
      severity: 'alert',
      modelVersion: '1',
    });
    const saved = await requester.request(driftContracts.report, {
      id: report.id,
      format: 'html',
    });
    expect(saved.report).toEqual(report);
    expect(saved.html).toContain('<svg');
    expect(saved.html).toContain('token_length');
    const { reports } = await requester.request(driftContracts.reports, {
      modelName: 'sentiment',
    });
    expect(reports.map((r) => r.status).slice(0, 3)).toEqual(['drift', 'no-drift', 'no-drift']);
  });
});

function databaseUrl(database: string): string {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}
