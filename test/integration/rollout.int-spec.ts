// Canary rollouts as the trainer-controller runs them, beside a real registry and a real drift app,
// on a database of their own: the test plays the gateways, publishing their per-window
// measurements (rollout.stats.v1), and reads what gateways would route by (rollout.changed.v1).
// A healthy challenger walks through the steps and is promoted in the registry; one that
// disagrees with the champion, or whose live accuracy on feedback falls behind, is rolled back
// and rejected; without measurements nothing moves; a person pauses, resumes and rolls back.
import { type INestApplication } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection as Nc } from '@nats-io/transport-node';
import { loadConfig } from '@sentimentops/config';
import {
  driftContracts,
  ErrorCode,
  FeedbackReceived,
  modelStatusContract,
  PredictionLogged,
  registryContracts as rc,
  ROLLOUT_LATENCY_BUCKETS_MS,
  ROLLOUT_SCORE_BINS,
  RolloutChanged,
  type RolloutChangedV1,
  rolloutContracts,
  RolloutStats,
  type RolloutTrackStatsDto,
  type RolloutView,
  type StartRolloutRequest,
} from '@sentimentops/contracts';
import { EventPublisher, NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { bootstrap } from '@sentimentops/service-kit';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { DriftConfig } from '../../apps/drift/src/drift.config.js';
import { DriftModule } from '../../apps/drift/src/drift.module.js';
import { RegistryConfig } from '../../apps/registry/src/registry.config.js';
import { RegistryModule } from '../../apps/registry/src/registry.module.js';
import { TrainerControllerConfig } from '../../apps/trainer-controller/src/trainer-controller.config.js';
import { TrainerControllerModule } from '../../apps/trainer-controller/src/trainer-controller.module.js';
import { AlertmanagerProcess } from '../support/alertmanager-process.js';
import { freePort } from '../support/ports.js';
import { eventually } from '../support/test-app.js';

const DEMO = path.resolve('models/sentiment-demo');

/** One alert as Alertmanager's webhook delivers it. */
interface Notified {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
const MODEL = 'sentiment';

interface Card {
  training: { run_id: string; mlflow_run_id: string | null };
}

/** One track as a gateway measures it in one window: `requests` batches of `latencyMs`. */
function track(
  name: 'champion' | 'challenger',
  requests: number,
  { errors = 0, latencyMs = 25 }: { errors?: number; latencyMs?: number } = {},
): RolloutTrackStatsDto {
  const latency = new Array<number>(ROLLOUT_LATENCY_BUCKETS_MS.length + 1).fill(0);
  latency[(ROLLOUT_LATENCY_BUCKETS_MS as readonly number[]).indexOf(latencyMs)] = requests;
  // Two texts a batch, scored like a confident classifier (mostly near 0 and 1).
  const scores = new Array<number>(ROLLOUT_SCORE_BINS).fill(0);
  scores[0] = requests - Math.floor(requests / 4);
  scores[ROLLOUT_SCORE_BINS - 1] = requests - Math.floor(requests / 4);
  scores[4] = Math.floor(requests / 4) * 2;
  return { track: name, requests, errors, latency, scores };
}

interface Window {
  challenger: RolloutTrackStatsDto;
  champion: RolloutTrackStatsDto;
  compared: number;
  agreed: number;
}

const healthy = (): Window => ({
  challenger: track('challenger', 30),
  champion: track('champion', 90),
  compared: 20,
  agreed: 20,
});

describe('canary rollouts (registry, drift, trainer-controller, PostgreSQL, JetStream)', () => {
  const apps: INestApplication[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let requester: NatsRequester;
  let publisher: EventPublisher;
  let nc: Nc;
  let root: string;
  let database: string;
  let controllerUrl: string;
  const changes: RolloutChangedV1[] = [];

  const databaseUrl = () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${database}`;
    return url.toString();
  };

  async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  let alertmanager: AlertmanagerProcess;
  let hook: http.Server;
  const notified: Notified[] = [];

  /** The version the challenger track answers it serves. */
  let serving = '1';

  /** Registers a copy of the bundled model as a new version and makes it challenger. */
  async function challenger(name: string): Promise<string> {
    const dir = path.join(root, name);
    fs.cpSync(DEMO, dir, { recursive: true });
    const file = path.join(dir, 'model-card.json');
    const card = JSON.parse(fs.readFileSync(file, 'utf8')) as Card;
    card.training.run_id = `rollout-it-${name}`;
    card.training.mlflow_run_id = null;
    fs.writeFileSync(file, JSON.stringify(card));
    const { version } = await requester.request(rc.registerVersion, {
      modelName: MODEL,
      artifactUri: dir,
      actor: 'it-admin',
    });
    await requester.request(rc.setAlias, {
      modelName: MODEL,
      alias: 'challenger',
      version: version.version,
      reason: `rollout test: ${name}`,
      actor: 'it-admin',
      source: 'admin',
    });
    serving = version.version;
    return version.version;
  }

  const start = (request: Partial<StartRolloutRequest> & { version: string }) =>
    requester.request(rolloutContracts.start, {
      actor: 'it-admin',
      intervalSeconds: 1,
      ...request,
    });
  /** The active rollout once its challenger serves (its first check scheduled). */
  const ready = () => until((r) => r.nextCheckAt !== null && r.nextCheckAt !== undefined);
  const current = async () =>
    (await requester.request(rolloutContracts.current, { modelName: MODEL })).rollout!;
  const action = (op: 'pause' | 'resume' | 'promote' | 'rollback', reason?: string) =>
    requester.request(rolloutContracts[op], { actor: 'it-admin', ...(reason ? { reason } : {}) });

  async function publishStats(rolloutId: string, w: Window, statsId = randomUUID()) {
    const end = new Date();
    await publisher.publish(
      RolloutStats,
      {
        statsId,
        rolloutId,
        gateway: 'it-gateway',
        windowStart: new Date(end.getTime() - 250).toISOString(),
        windowEnd: end.toISOString(),
        tracks: [w.champion, w.challenger],
        compared: w.compared,
        agreed: w.agreed,
      },
      { messageId: randomUUID() },
    );
  }

  /** A gateway publishing a window every 250 ms until stopped. */
  function gateway(rolloutId: string, window: () => Window) {
    const timer = setInterval(() => void publishStats(rolloutId, window()).catch(() => {}), 250);
    timers.add(timer);
    return () => {
      clearInterval(timer);
      timers.delete(timer);
    };
  }

  async function until(
    predicate: (r: RolloutView) => boolean,
    timeoutMs = 30_000,
  ): Promise<RolloutView> {
    let last: RolloutView | undefined;
    await eventually(
      async () => {
        last = await current();
        return predicate(last);
      },
      timeoutMs,
      200,
    ).catch(() => {
      throw new Error(`rollout still ${JSON.stringify(last, null, 1)}`);
    });
    return last!;
  }

  const aliases = async () => {
    const { aliases: list } = await requester.request(rc.listAliases, { modelName: MODEL });
    return Object.fromEntries(list.map((a) => [a.alias, a.version]));
  };
  const status = async (version: string) =>
    (await requester.request(rc.getVersion, { modelName: MODEL, version })).status;
  const seen = (rolloutId: string) => changes.filter((c) => c.rolloutId === rolloutId);
  const audit = (rolloutId: string) =>
    sql<{ action: string; actor: string; reason: string | null }>(
      `SELECT action, actor, reason FROM trainer_controller.rollout_event
       WHERE rollout_id = $1 ORDER BY id`,
      [rolloutId],
    );

  async function expectError(promise: Promise<unknown>, code: ErrorCode) {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RemoteCallError);
    expect((err as RemoteCallError).code).toBe(code);
    return err as RemoteCallError;
  }

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-it-'));
    database = `rollout_it_${Date.now()}`;
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const common = {
      NATS_URL: process.env.TEST_NATS_URL,
      DATABASE_URL: databaseUrl(),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const registryConfig = loadConfig(RegistryConfig, {
      ...common,
      REGISTRY_HTTP_PORT: String(await freePort()),
      REGISTRY_BOOTSTRAP_MODEL_URI: DEMO,
      // Copies of the demo model are as good as it; the gate is not what this test is about.
      REGISTRY_GATE_MIN_ACCURACY: '0',
      REGISTRY_GATE_MIN_MACRO_F1: '0',
      REGISTRY_GATE_MAX_REGRESSION: '1',
    });
    const driftConfig = loadConfig(DriftConfig, {
      ...common,
      DRIFT_HTTP_PORT: String(await freePort()),
      DRIFT_CHECK_INTERVAL_S: '0',
    });
    // Promotions and rollbacks reach people through Alertmanager; here its webhook receiver
    // stands where production has Slack (monitoring/alertmanager/alertmanager.yml).
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        notified.push(...(JSON.parse(body) as { alerts: Notified[] }).alerts);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    alertmanager = new AlertmanagerProcess(
      path.join(root, 'alertmanager'),
      [
        'route: {receiver: hook, group_by: [alertname, rollout_id], group_wait: 0s, group_interval: 1s}',
        `receivers: [{name: hook, webhook_configs: [{url: '${hookUrl}', send_resolved: false}]}]`,
      ].join('\n'),
    );
    await alertmanager.start();
    const controllerPort = await freePort();
    controllerUrl = `http://127.0.0.1:${controllerPort}`;
    const controllerConfig = loadConfig(TrainerControllerConfig, {
      ...common,
      TRAINER_CONTROLLER_HTTP_PORT: String(controllerPort),
      TRAINER_EXECUTE: 'false',
      TRAINER_WORK_DIR: root,
      ROLLOUT_INTERVAL_S: '1',
      ROLLOUT_MIN_REQUESTS: '20',
      ROLLOUT_MIN_SCORED: '50',
      ROLLOUT_MIN_LABELLED: '30',
      ROLLOUT_FAILURE_THRESHOLD: '2',
      ROLLOUT_READY_TIMEOUT_S: '3',
      ALERTMANAGER_URL: alertmanager.url,
    });
    apps.push(await bootstrap(RegistryModule.forRoot(registryConfig), registryConfig));
    apps.push(await bootstrap(DriftModule.forRoot(driftConfig), driftConfig));
    apps.push(await bootstrap(TrainerControllerModule.forRoot(controllerConfig), controllerConfig));
    requester = apps[2].get(NatsRequester);
    publisher = apps[2].get(EventPublisher);
    await eventually(
      async () => (await fetch(`${controllerUrl}/health/ready`)).status === 200,
      60_000,
    );
    await eventually(
      async () => (await aliases().catch(() => undefined))?.champion === '1',
      60_000,
    );

    nc = await connect({ servers: process.env.TEST_NATS_URL });
    // The challenger track of inference, as far as the controller asks it: which version it serves
    // (a rollout sends the challenger traffic only once it serves the rollout's version).
    nc.subscribe(modelStatusContract('challenger').subject, {
      callback: (_err, msg) => {
        const { id } = msg.json<{ id: string }>();
        const response = {
          model: { name: MODEL, version: serving },
          ready: true,
          maxLength: 128,
          labels: ['negative', 'positive'],
          sha256: 'a'.repeat(64),
        };
        msg.respond(JSON.stringify({ id, response, isDisposed: true }));
      },
    });
    // What every gateway hears.
    const name = `it-rollout-${randomUUID().slice(0, 8)}`;
    await (
      await jetstreamManager(nc)
    ).consumers.add('ROLLOUTS', {
      name,
      filter_subject: RolloutChanged.subject,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await (await jetstream(nc).consumers.get('ROLLOUTS', name)).consume();
    void (async () => {
      for await (const m of messages) changes.push(m.json<RolloutChangedV1>());
    })();
  }, 180_000);

  afterAll(async () => {
    for (const timer of timers) clearInterval(timer);
    for (const app of apps.reverse()) await app.close();
    await nc?.close();
    await alertmanager?.stop();
    hook?.close();
  });

  /** The notification Alertmanager delivered for a rollout, once it has. */
  async function notification(rolloutId: string): Promise<Notified> {
    await eventually(() => notified.some((n) => n.labels.rollout_id === rolloutId), 20_000, 200);
    return notified.find((n) => n.labels.rollout_id === rolloutId)!;
  }

  it('walks a healthy challenger through the steps and promotes it in the registry', async () => {
    const version = await challenger('healthy');
    const started = await start({ version, steps: [10, 50, 100], reason: 'a healthy challenger' });
    // No traffic until the challenger track serves the version; then the first step.
    expect(started).toMatchObject({
      state: 'progressing',
      mode: 'canary',
      weight: 0,
      stepIndex: 0,
      mirrorPercent: 10,
      championVersion: '1',
      revision: 1,
      createdBy: 'it-admin',
      checks: [],
    });
    expect(await ready()).toMatchObject({ weight: 10, revision: 2 });
    const stop = gateway(started.id, healthy);
    let ended: RolloutView;
    try {
      ended = await until((r) => r.state !== 'progressing');
    } finally {
      stop();
    }
    expect(ended).toMatchObject({ state: 'promoted', weight: 0, failedChecks: 0 });
    expect(ended.reason).toBe('every step passed (10, 50, 100 %)');
    const passes = ended.checks.filter((c) => c.verdict === 'pass');
    expect(passes.map((c) => c.weight).reverse()).toEqual([10, 50, 100]);
    expect(passes[0].metrics).toMatchObject({
      challenger: { errors: 0, p99Ms: 25 },
      agreement: 1,
    });
    expect(passes[0].reasons).toContain(
      'skipped: live accuracy: labelled predictions champion 0, challenger 0, 30 each needed',
    );

    // What gateways routed by: each step, then promoted with no traffic to the challenger.
    await eventually(() => seen(started.id).some((c) => c.state === 'promoted'), 10_000);
    expect(seen(started.id).map((c) => [c.revision, c.state, c.weight, c.mirrorPercent])).toEqual([
      [1, 'progressing', 0, 0],
      [2, 'progressing', 10, 10],
      [3, 'progressing', 50, 10],
      [4, 'progressing', 100, 10],
      [5, 'promoted', 0, 0],
    ]);
    // ... then the registry: champion moved, the old one is previous, no challenger.
    await eventually(async () => (await aliases()).champion === version, 10_000);
    expect(await aliases()).toEqual({ champion: version, previous: '1', challenger: null });
    expect(await status(version)).toBe('champion');
    expect(await current()).toMatchObject({ registryPending: null, registryError: null });
    expect((await audit(started.id)).map((e) => e.action)).toEqual([
      'start',
      'ready',
      'step',
      'step',
      'promote',
      'registry',
    ]);
    // People hear of it: Alertmanager delivered the controller's alert.
    expect(await notification(started.id)).toMatchObject({
      labels: { alertname: 'SentimentOpsRolloutPromoted', severity: 'info', model: MODEL, version },
      annotations: { summary: `${MODEL} v${version} was promoted to champion` },
    });

    // The controller's gauges (each series also carries the app's label).
    const series = (metrics: string, line: string) =>
      metrics.split('\n').some((l) => l.replace(/,app="[^"]*"/, '') === line);
    await eventually(async () => {
      const metrics = await (await fetch(`${controllerUrl}/metrics`)).text();
      return (
        series(metrics, 'sentimentops_rollout_state{model="sentiment",state="promoted"} 1') &&
        series(metrics, 'sentimentops_rollout_state{model="sentiment",state="progressing"} 0') &&
        series(metrics, `sentimentops_rollout_weight{model="sentiment",version="${version}"} 0`)
      );
    }, 10_000);
  }, 60_000);

  it('rolls back a challenger that disagrees with the champion, and the registry rejects it', async () => {
    const version = await challenger('disagreeing');
    const started = await start({ version, steps: [20, 100] });
    await ready();
    const stop = gateway(started.id, () => ({ ...healthy(), compared: 20, agreed: 9 }));
    let ended: RolloutView;
    try {
      ended = await until((r) => r.state !== 'progressing');
    } finally {
      stop();
    }
    expect(ended).toMatchObject({ state: 'rolled-back', weight: 0, failedChecks: 2, stepIndex: 0 });
    expect(ended.reason).toMatch(/^2 failed checks; the last: agreement 0\.450 \(\d+ of \d+ texts/);
    // (A check that came before the first window arrived is inconclusive, and not counted.)
    expect(ended.checks.map((c) => c.verdict).filter((v) => v !== 'inconclusive')).toEqual([
      'fail',
      'fail',
    ]);

    await eventually(() => seen(started.id).some((c) => c.state === 'rolled-back'), 10_000);
    expect(seen(started.id).at(-1)).toMatchObject({
      state: 'rolled-back',
      weight: 0,
      mirrorPercent: 0,
      actor: 'rollout',
      reason: ended.reason,
    });
    await eventually(async () => (await status(version)) === 'rejected', 10_000);
    expect(await aliases()).toMatchObject({ challenger: null, champion: '2' });
    const lineage = await requester.request(rc.versionLineage, { modelName: MODEL, version });
    expect(lineage.history[0]).toMatchObject({
      action: 'version.rejected',
      actor: 'rollout',
      reason: `rollout ${started.id}: ${ended.reason}`,
    });
    const alert = await notification(started.id);
    expect(alert.labels).toMatchObject({
      alertname: 'SentimentOpsRolloutRolledBack',
      severity: 'warning',
      version,
    });
    expect(alert.annotations.description).toContain(ended.reason);
  }, 60_000);

  it("rolls back a challenger slower than the champion (p99 from the gateways' histograms)", async () => {
    const version = await challenger('slow');
    const started = await start({ version, steps: [20, 100] });
    await ready();
    // Agrees on every text, but its batches take 250 ms against the champion's 25 ms.
    const slow = () => ({ ...healthy(), challenger: track('challenger', 30, { latencyMs: 250 }) });
    const stop = gateway(started.id, slow);
    let ended: RolloutView;
    try {
      ended = await until((r) => r.state !== 'progressing');
    } finally {
      stop();
    }
    expect(ended).toMatchObject({ state: 'rolled-back', weight: 0, failedChecks: 2, stepIndex: 0 });
    expect(ended.reason).toContain(
      'the last: challenger p99 250 ms > champion p99 25 ms x 1.5 + 20 ms',
    );
    const failed = ended.checks.filter((c) => c.verdict === 'fail');
    expect(failed[0].metrics).toMatchObject({ challenger: { p99Ms: 250 }, agreement: 1 });
    expect(failed[0].reasons).toContain('ok: challenger p99 250 ms <= 1000 ms');
    await eventually(async () => (await status(version)) === 'rejected', 10_000);
  }, 60_000);

  it('holds a rollout without measurements: inconclusive checks, the weight unchanged', async () => {
    const version = await challenger('quiet');
    const started = await start({ version, steps: [5, 100] });
    await ready();
    // One window of too few requests, delivered twice under two message ids: stored once.
    const statsId = randomUUID();
    const few = { ...healthy(), challenger: track('challenger', 12) };
    await publishStats(started.id, few, statsId);
    await publishStats(started.id, few, statsId);
    const held = await until((r) => r.checks.length >= 3);
    expect(held).toMatchObject({ state: 'progressing', weight: 5, stepIndex: 0, failedChecks: 0 });
    expect(held.checks.every((c) => c.verdict === 'inconclusive')).toBe(true);
    const judged = held.checks.map((c) => (c.metrics.challenger as { requests: number }).requests);
    expect(judged.reduce((a, b) => a + b, 0)).toBe(12);
    expect(held.checks.map((c) => c.reasons)).toContainEqual([
      'inconclusive: 12 challenger request(s) in the interval, 20 needed to judge',
    ]);
    // Started (weight 0), the challenger serving (the first step); nothing moved after that.
    expect(seen(started.id).map((c) => c.revision)).toEqual([1, 2]);
  }, 60_000);

  it('pauses and resumes the active rollout, refuses a second one, and rolls back by hand', async () => {
    const active = await current();
    expect(active.state).toBe('progressing');
    await expectError(start({ version: active.version }), ErrorCode.Conflict);

    const paused = await action('pause', 'looking at a dashboard');
    expect(paused).toMatchObject({ state: 'paused', weight: 5, nextCheckAt: null });
    const checks = paused.checks.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await current()).checks).toHaveLength(checks);
    await expectError(action('pause'), ErrorCode.FailedPrecondition);

    const resumed = await action('resume');
    expect(resumed).toMatchObject({ state: 'progressing', weight: 5 });
    await until((r) => r.checks.length > checks, 10_000);

    const rolledBack = await action('rollback', 'the new data was mislabelled');
    expect(rolledBack).toMatchObject({
      state: 'rolled-back',
      weight: 0,
      reason: 'rolled back by it-admin: the new data was mislabelled',
    });
    await expectError(action('resume'), ErrorCode.FailedPrecondition);
    expect(await status(active.version)).toBe('rejected');
    await eventually(() => seen(active.id).some((c) => c.state === 'rolled-back'), 10_000);
    expect(seen(active.id).map((c) => [c.state, c.weight, c.actor])).toEqual([
      ['progressing', 0, 'it-admin'],
      ['progressing', 5, 'rollout'],
      ['paused', 5, 'it-admin'],
      ['progressing', 5, 'it-admin'],
      ['rolled-back', 0, 'it-admin'],
    ]);
    expect(await audit(active.id)).toEqual([
      { action: 'start', actor: 'it-admin', reason: null },
      {
        action: 'ready',
        actor: 'rollout',
        reason: `the challenger track serves v${active.version}`,
      },
      { action: 'pause', actor: 'it-admin', reason: 'looking at a dashboard' },
      { action: 'resume', actor: 'it-admin', reason: null },
      {
        action: 'rollback',
        actor: 'it-admin',
        reason: 'rolled back by it-admin: the new data was mislabelled',
      },
      { action: 'registry', actor: 'rollout', reason: null },
    ]);
    const { rollouts } = await requester.request(rolloutContracts.list, { modelName: MODEL });
    expect(rollouts.map((r) => r.state)).toEqual([
      'rolled-back',
      'rolled-back',
      'rolled-back',
      'promoted',
    ]);
  }, 60_000);

  it('rolls back a challenger whose live accuracy on feedback falls behind the champion', async () => {
    const version = await challenger('inaccurate');
    // Steps enough that checks made before the first labels arrived cannot promote it.
    const started = await start({ version, steps: [10, 20, 50, 100], intervalSeconds: 2 });
    await ready();
    // Clients' feedback on the answers of both versions: the champion right 9 times in 10, the
    // challenger 6 in 10.
    const feedback = async () => {
      for (const [v, right] of [
        ['2', 0.9],
        [version, 0.6],
      ] as const) {
        for (let i = 0; i < 10; i++) {
          const predictionId = randomUUID();
          await publisher.publish(
            PredictionLogged,
            {
              predictionId,
              modelName: MODEL,
              modelVersion: v,
              track: v === version ? 'challenger' : 'champion',
              label: 'positive',
              score: 0.9,
              tokenCount: 12,
              unknownTokenRate: 0,
              truncated: false,
              latencyMs: 3,
              occurredAt: new Date().toISOString(),
            },
            { messageId: predictionId },
          );
          const feedbackId = randomUUID();
          await publisher.publish(
            FeedbackReceived,
            {
              feedbackId,
              predictionId,
              label: i / 10 < right ? 'positive' : 'negative',
              source: 'api',
              occurredAt: new Date().toISOString(),
            },
            { messageId: feedbackId },
          );
        }
      }
    };
    const stop = gateway(started.id, healthy);
    const labels = setInterval(() => void feedback().catch(() => {}), 250);
    timers.add(labels);
    let ended: RolloutView;
    try {
      ended = await until((r) => r.state !== 'progressing', 45_000);
    } finally {
      stop();
      clearInterval(labels);
      timers.delete(labels);
    }
    expect(ended).toMatchObject({ state: 'rolled-back', failedChecks: 2 });
    expect(ended.reason).toMatch(
      /the last: live accuracy 0\.\d+ \(\d+ labelled\) < champion 0\.\d+/,
    );
    const accuracy = ended.checks[0].metrics.accuracy as Record<string, { version: string }>;
    expect(accuracy.champion.version).toBe('2');
    expect(accuracy.challenger.version).toBe(version);

    // Drift's own answer over the whole test: both versions, in the order asked.
    const quality = await requester.request(driftContracts.quality, {
      modelName: MODEL,
      versions: [version, '2', '1'],
      since: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    expect(quality.versions.map((q) => q.version)).toEqual([version, '2', '1']);
    expect(quality.versions[0].accuracy).toBeCloseTo(0.6, 1);
    expect(quality.versions[1].accuracy).toBeCloseTo(0.9, 1);
    expect(quality.versions[2]).toEqual({ version: '1', labelled: 0, accuracy: null });
    // The weight goes to 0 first, then the registry is told: the state can be seen before that.
    await eventually(async () => (await status(version)) === 'rejected', 10_000);
  }, 90_000);

  it('rolls back a rollout whose challenger track never serves the version, without traffic', async () => {
    const version = await challenger('never-served');
    serving = '1'; // the challenger track does not load it (e.g. its replicas cannot)
    const started = await start({ version, steps: [50, 100] });
    const ended = await until((r) => r.state !== 'progressing', 20_000);
    expect(ended).toMatchObject({ state: 'rolled-back', weight: 0, checks: [] });
    expect(ended.reason).toBe(
      `the challenger track did not serve v${version} within 3 s (last: v1)`,
    );
    await eventually(() => seen(started.id).some((c) => c.state === 'rolled-back'), 10_000);
    expect(seen(started.id).map((c) => [c.state, c.weight, c.mirrorPercent])).toEqual([
      ['progressing', 0, 0],
      ['rolled-back', 0, 0],
    ]);
    await eventually(async () => (await status(version)) === 'rejected', 10_000);
  }, 60_000);
});
