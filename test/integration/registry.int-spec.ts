// The registry app as it runs (RegistryModule, migrations, bootstrap, NATS API, outbox) against
// the real PostgreSQL and NATS of the integration stack, with model directories made from the
// bundled demo model: copies whose cards say other things, a tampered file, a broken card.
import { type INestApplication } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection as Nc } from '@nats-io/transport-node';
import { GcsArtifactStore } from '@sentimentops/artifact-store';
import { loadConfig } from '@sentimentops/config';
import {
  ErrorCode,
  type ModelAliasChangedV1,
  registryContracts as rc,
  type SetAliasRequest,
} from '@sentimentops/contracts';
import { NatsRequester, RemoteCallError } from '@sentimentops/messaging';
import { bootstrap } from '@sentimentops/service-kit';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RegistryConfig } from '../../apps/registry/src/registry.config.js';
import { RegistryModule } from '../../apps/registry/src/registry.module.js';
import { MlflowClient } from '../../apps/registry/src/mlflow/mlflow.client.js';
import { MlflowSync } from '../../apps/registry/src/mirror/mlflow-sync.js';
import { FakeGcsProcess } from '../support/fake-gcs-process.js';
import { startMlflowServer, type MlflowServer } from '../support/mlflow-process.js';
import { freePort } from '../support/ports.js';
import { eventually } from '../support/test-app.js';

const DEMO = path.resolve('models/sentiment-demo');
const MODEL = 'sentiment';

/** The parts of model-card.json these tests read and change. */
interface Card {
  code_commit: string;
  dataset: { content_sha256?: string; rows: number };
  training: { run_id: string; mlflow_run_id: string | null };
  metrics: Record<string, { sha256?: string; model: { accuracy: number; macro_f1: number } }>;
}

/** A model directory: the demo model's files with its card changed by `edit`. */
function modelDir(root: string, name: string, edit: (card: Card) => void = () => {}): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(DEMO))
    fs.copyFileSync(path.join(DEMO, file), path.join(dir, file));
  const card = JSON.parse(fs.readFileSync(path.join(dir, 'model-card.json'), 'utf8')) as Card;
  edit(card);
  fs.writeFileSync(path.join(dir, 'model-card.json'), JSON.stringify(card, null, 2));
  return dir;
}

/** A new training run of the same model: another run id, and these hand-written scores. */
const retrained =
  (runId: string, handwrittenAccuracy: number, datasetSha?: string) => (card: Card) => {
    card.training.run_id = runId;
    card.training.mlflow_run_id = null;
    card.metrics.handwritten.model.accuracy = handwrittenAccuracy;
    card.metrics.handwritten.model.macro_f1 = handwrittenAccuracy;
    if (datasetSha) card.dataset.content_sha256 = datasetSha;
  };

async function expectError(promise: Promise<unknown>, code: ErrorCode): Promise<RemoteCallError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemoteCallError);
  expect((err as RemoteCallError).code).toBe(code);
  return err as RemoteCallError;
}

describe('registry (PostgreSQL, NATS, JetStream)', () => {
  let app: INestApplication;
  let url: string;
  let requester: NatsRequester;
  let nc: Nc;
  let root: string;
  let mlflow: MlflowServer;
  const gcs = new FakeGcsProcess();
  const events: ModelAliasChangedV1[] = [];
  const alias = (
    request: Omit<SetAliasRequest, 'modelName' | 'actor' | 'source'> & Partial<SetAliasRequest>,
  ) =>
    requester.request(rc.setAlias, {
      modelName: MODEL,
      actor: 'it-admin',
      source: 'admin',
      ...request,
    });
  const register = (artifactUri: string) =>
    requester.request(rc.registerVersion, { modelName: MODEL, artifactUri, actor: 'it-admin' });

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-it-'));
    [mlflow] = await Promise.all([startMlflowServer(), gcs.start()]);
    const port = await freePort();
    const config = loadConfig(RegistryConfig, {
      NATS_URL: process.env.TEST_NATS_URL,
      DATABASE_URL: process.env.TEST_DATABASE_URL,
      REGISTRY_HTTP_PORT: String(port),
      REGISTRY_BOOTSTRAP_MODEL_URI: DEMO,
      MLFLOW_TRACKING_URI: mlflow.url,
      ARTIFACT_GCS_ENDPOINT: gcs.endpoint,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    url = `http://127.0.0.1:${port}`;
    // Every alias change from now on, as inference and the gateway see them.
    nc = await connect({ servers: process.env.TEST_NATS_URL });
    // Registries of other suites (other databases) published to the same NATS; this one reads
    // the MODELS stream from its start (the MLflow mirror's new consumers), so it starts from an
    // empty stream, as a new deployment does.
    await (await jetstreamManager(nc)).streams.purge('MODELS').catch(() => undefined);
    app = await bootstrap(RegistryModule.forRoot(config), config);
    requester = app.get(NatsRequester);
    await eventually(async () => (await fetch(`${url}/health/ready`)).status === 200, 60_000);
    const jsm = await jetstreamManager(nc);
    const name = `it-registry-${randomUUID().slice(0, 8)}`;
    await jsm.consumers.add('MODELS', {
      name,
      filter_subject: 'model.alias-changed.v1',
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await (await jetstream(nc).consumers.get('MODELS', name)).consume();
    void (async () => {
      for await (const m of messages) events.push(m.json<ModelAliasChangedV1>());
    })();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await mlflow?.stop();
    await gcs.stop();
  });

  it('registers the bundled model at first start as version 1, champion', async () => {
    const { versions } = await requester.request(rc.listVersions, { modelName: MODEL });
    expect(versions.map((v) => [v.version, v.status, v.aliases])).toEqual([
      ['1', 'champion', ['champion']],
    ]);
    expect(versions[0].artifactUri).toBe(`file://${DEMO}`);
    const { aliases } = await requester.request(rc.listAliases, { modelName: MODEL });
    expect(aliases.find((a) => a.alias === 'champion')).toMatchObject({
      version: '1',
      revision: 1,
      updatedBy: 'bootstrap',
    });
    await eventually(() => events.some((e) => e.alias === 'champion' && e.version === '1'));
    expect(events.find((e) => e.alias === 'champion')).toMatchObject({
      artifactUri: `file://${DEMO}`,
      actor: 'bootstrap',
      revision: 1,
    });
  });

  it('records lineage both ways: version -> dataset, run, commit, evaluations; dataset -> versions', async () => {
    const card = JSON.parse(fs.readFileSync(path.join(DEMO, 'model-card.json'), 'utf8')) as Card;
    const lineage = await requester.request(rc.versionLineage, { modelName: MODEL, version: '1' });
    expect(lineage.dataset.contentSha256).toBe(card.dataset.content_sha256);
    expect(lineage.dataset.rows).toBe(card.dataset.rows);
    expect(lineage.run).toMatchObject({
      runId: card.training.run_id,
      codeCommit: card.code_commit,
    });
    expect(lineage.evaluations.map((e) => e.testSet).sort()).toEqual(
      Object.keys(card.metrics).sort(),
    );
    const handwritten = lineage.evaluations.find((e) => e.testSet === 'handwritten')!;
    expect(handwritten.testSetSha256).toBe(card.metrics.handwritten.sha256);
    expect(handwritten.metrics.accuracy).toBe(card.metrics.handwritten.model.accuracy);
    expect(handwritten.baseline).toMatchObject({ kind: 'lexicon' });
    expect(lineage.history.map((h) => h.action)).toEqual(['alias.set', 'version.registered']);

    const back = await requester.request(rc.datasetLineage, {
      contentSha256: card.dataset.content_sha256,
    });
    expect(back.versions.map((v) => v.version)).toEqual(['1']);
    await expectError(
      requester.request(rc.datasetLineage, { contentSha256: 'f'.repeat(64) }),
      ErrorCode.NotFound,
    );
  });

  it('registers a verified version once: the same artifact again is the same version', async () => {
    const dir = modelDir(root, 'v2', retrained('run-v2', 0.86));
    const first = await register(dir);
    expect(first).toMatchObject({ created: true, version: { version: '2', status: 'registered' } });
    const again = await register(`file://${dir}/`);
    expect(again).toMatchObject({ created: false, version: { version: '2' } });
    // The same content from another place is the same version too.
    const copy = path.join(root, 'v2-copy');
    fs.cpSync(dir, copy, { recursive: true });
    expect((await register(copy)).version.version).toBe('2');
  });

  it('refuses other content under a registered URI (409), a bad card (422 naming the field), a tampered file (422)', async () => {
    const dir = path.join(root, 'v2');
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'model-card.json'), 'utf8')) as Card;
    card.training.run_id = 'run-v2-rewritten';
    fs.writeFileSync(path.join(dir, 'model-card.json'), JSON.stringify(card));
    const conflict = await expectError(register(dir), ErrorCode.Conflict);
    expect(conflict.message).toContain('registered as v2');

    const broken = modelDir(root, 'broken', (c) => {
      delete c.dataset.content_sha256;
    });
    const malformed = await expectError(register(broken), ErrorCode.Unprocessable);
    expect(malformed.details?.join('\n')).toContain('dataset.content_sha256');

    const tampered = modelDir(root, 'tampered', retrained('run-tampered', 0.9));
    fs.appendFileSync(path.join(tampered, 'tokenizer.json'), ' ');
    const mismatch = await expectError(register(tampered), ErrorCode.Unprocessable);
    expect(mismatch.details?.join('\n')).toMatch(/files\.tokenizer\.json: sha256/);

    const notJson = modelDir(root, 'not-json');
    fs.writeFileSync(path.join(notJson, 'model-card.json'), '{"schema_version": 1,');
    await expectError(register(notJson), ErrorCode.Unprocessable);
    await expectError(register(path.join(root, 'missing')), ErrorCode.Unprocessable);
    await expectError(register('models/relative'), ErrorCode.InvalidArgument);
    const { versions } = await requester.request(rc.listVersions, { modelName: MODEL });
    expect(versions.map((v) => v.version)).toEqual(['2', '1']);
  });

  it('makes a version challenger only through the gate, and records what it was compared with', async () => {
    const weak = modelDir(root, 'v3', retrained('run-v3', 0.7));
    expect((await register(weak)).version.version).toBe('3');
    const refused = await expectError(
      alias({ alias: 'challenger', version: '3', reason: 'try the weak one' }),
      ErrorCode.FailedPrecondition,
    );
    expect(refused.details?.join('\n')).toContain('failed: accuracy 0.7000 >= floor 0.8000');
    const v3 = await requester.request(rc.getVersion, { modelName: MODEL, version: '3' });
    expect(v3.status).toBe('rejected');
    expect(v3.evaluations.find((e) => e.kind === 'promotion-gate')).toMatchObject({
      passed: false,
      comparedWithVersion: '1',
    });

    const set = await alias({ alias: 'challenger', version: '2', reason: 'retrained on feedback' });
    expect(set.alias).toMatchObject({ alias: 'challenger', version: '2', revision: 1 });
    expect(set.gate).toMatchObject({ passed: true, comparedWithVersion: '1' });
    const lineage = await requester.request(rc.versionLineage, { modelName: MODEL, version: '2' });
    expect(lineage.comparedWith).toEqual([
      expect.objectContaining({ version: '1', testSet: 'handwritten', passed: true }),
    ]);
    expect(lineage.version.status).toBe('challenger');
  });

  it('compares only scores on the same test set', async () => {
    const other = modelDir(root, 'v4', (c) => {
      retrained('run-v4', 0.95)(c);
      c.metrics.handwritten.sha256 = 'e'.repeat(64);
    });
    expect((await register(other)).version.version).toBe('4');
    const refused = await expectError(
      alias({ alias: 'challenger', version: '4', reason: 'scored elsewhere', expectedRevision: 1 }),
      ErrorCode.FailedPrecondition,
    );
    expect(refused.details?.join('\n')).toMatch(/no evaluation on "handwritten"|another version/);
    // The pipeline scores the champion on the same texts: now they compare.
    await requester.request(rc.recordEvaluation, {
      modelName: MODEL,
      version: '1',
      testSet: 'handwritten',
      testSetSha256: 'e'.repeat(64),
      metrics: { n: 240, accuracy: 0.84, macroF1: 0.84 },
      actor: 'pipeline',
    });
    const set = await alias({
      alias: 'challenger',
      version: '4',
      reason: 'scored on the same set',
      expectedRevision: 1,
    });
    expect(set.previousVersion).toBe('2');
    expect(set.gate?.passed).toBe(true);
  });

  it('lets exactly one of concurrent alias changes win; the others get 409', async () => {
    for (const racers of [2, 6]) {
      const { aliases } = await requester.request(rc.listAliases, { modelName: MODEL });
      const before = aliases.find((a) => a.alias === 'challenger')!;
      const target = before.version === '2' ? '4' : '2';
      // Each racer read the same revision and wants the same change: one of them makes it.
      const attempts = await Promise.allSettled(
        Array.from({ length: racers }, (_, i) =>
          alias({
            alias: 'challenger',
            version: target,
            reason: `racer ${i}`,
            actor: `admin-${i}`,
            expectedRevision: before.revision,
          }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      for (const lost of attempts.filter((a) => a.status === 'rejected')) {
        expect((lost.reason as RemoteCallError).code).toBe(ErrorCode.Conflict);
      }
      const after = await requester.request(rc.listAliases, { modelName: MODEL });
      expect(after.aliases.find((a) => a.alias === 'challenger')).toMatchObject({
        version: target,
        revision: before.revision + 1,
      });
    }
  });

  it('moves champion only through the rollout flow or an override with a reason; previous follows', async () => {
    await expectError(
      alias({ alias: 'champion', version: '2', reason: 'just because' }),
      ErrorCode.FailedPrecondition,
    );
    await expectError(
      alias({ alias: 'previous', version: '1', reason: 'by hand' }),
      ErrorCode.FailedPrecondition,
    );
    await expectError(
      alias({ alias: 'champion', version: '99', reason: 'no such one', override: true }),
      ErrorCode.NotFound,
    );
    await expectError(
      requester.request(rc.listVersions, { modelName: 'no-such-model' }),
      ErrorCode.NotFound,
    );
    const seen = events.length;
    const set = await alias({
      alias: 'champion',
      version: '4',
      reason: 'canary looked good',
      override: true,
    });
    expect(set).toMatchObject({ alias: { version: '4' }, previousVersion: '1' });
    const { aliases } = await requester.request(rc.listAliases, { modelName: MODEL });
    expect(Object.fromEntries(aliases.map((a) => [a.alias, a.version]))).toEqual({
      champion: '4',
      challenger: null,
      previous: '1',
    });
    const { versions } = await requester.request(rc.listVersions, { modelName: MODEL });
    expect(Object.fromEntries(versions.map((v) => [v.version, v.status]))).toEqual({
      '1': 'previous',
      '2': 'retired',
      '3': 'rejected',
      '4': 'champion',
    });
    // One event per alias that moved, each after the change committed.
    await eventually(() => events.length >= seen + 3);
    expect(events.slice(seen).map((e) => [e.alias, e.previousVersion, e.version])).toEqual([
      ['champion', '1', '4'],
      ['previous', undefined, '1'],
      ['challenger', '4', null],
    ]);
    const history = await requester.request(rc.versionLineage, { modelName: MODEL, version: '4' });
    expect(history.history[0]).toMatchObject({
      actor: 'it-admin',
      action: 'alias.set',
      reason: 'canary looked good',
      details: expect.objectContaining({ override: true, source: 'admin' }),
    });
  });

  it('mirrors versions and aliases to MLflow, and puts back what was changed there by hand', async () => {
    const client = new MlflowClient({ trackingUri: mlflow.url });
    const mlflowAliases = async () => (await client.getRegisteredModel(MODEL)).aliases;
    const registryToMlflow = async () => {
      const { versions } = await requester.request(rc.listVersions, { modelName: MODEL });
      return new Map(versions.map((v) => [v.version, v.mlflowVersion]));
    };
    // Every registration and alias event reaches MLflow (acknowledged once it is there).
    await eventually(async () => {
      const map = await registryToMlflow();
      const aliases = await mlflowAliases().catch(() => ({}));
      return (
        [...map.values()].every(Boolean) &&
        JSON.stringify(aliases) ===
          JSON.stringify({ champion: map.get('4'), previous: map.get('1') })
      );
    }, 30_000);
    const map = await registryToMlflow();
    const champion = await client.getModelVersion(MODEL, map.get('4')!);
    expect(champion.tags).toMatchObject({
      'sentimentops.version': '4',
      'sentimentops.status': 'champion',
    });

    // Someone moves and adds aliases in MLflow's UI: the registry wins at the next reconcile.
    await client.setRegisteredModelAlias(MODEL, 'champion', map.get('3')!);
    await client.setRegisteredModelAlias(MODEL, 'challenger', map.get('2')!);
    await app.get(MlflowSync).reconcile();
    expect(await mlflowAliases()).toEqual({ champion: map.get('4'), previous: map.get('1') });
  });

  it('registers a model directory from Cloud Storage, verifying what it streams', async () => {
    const store = new GcsArtifactStore({ apiEndpoint: gcs.endpoint });
    await gcs.createBucket('sentimentops-models');
    const upload = async (dir: string, prefix: string) => {
      for (const file of fs.readdirSync(dir)) {
        await store.upload(path.join(dir, file), `gs://sentimentops-models/${prefix}/${file}`);
      }
    };
    await upload(modelDir(root, 'gs-v5', retrained('run-gs-5', 0.87)), 'sentiment/5');
    const registered = await register('gs://sentimentops-models/sentiment/5');
    expect(registered).toMatchObject({
      created: true,
      version: { version: '5', artifactUri: 'gs://sentimentops-models/sentiment/5' },
    });

    const tampered = modelDir(root, 'gs-bad', retrained('run-gs-bad', 0.87));
    fs.appendFileSync(path.join(tampered, 'model.onnx'), Buffer.from([0]));
    await upload(tampered, 'sentiment/bad');
    const refused = await expectError(
      register('gs://sentimentops-models/sentiment/bad'),
      ErrorCode.Unprocessable,
    );
    expect(refused.details?.join('\n')).toMatch(/files\.model\.onnx: sha256/);
  });

  it('marks a challenger that a rollout removes with reject as rejected, with the reason', async () => {
    // Scored on the same texts as the champion (v4), and better: it passes the gate.
    const dir = modelDir(root, 'v6', (c) => {
      retrained('run-v6', 0.96)(c);
      c.metrics.handwritten.sha256 = 'e'.repeat(64);
    });
    expect((await register(dir)).version.version).toBe('6');
    await alias({ alias: 'challenger', version: '6', reason: 'canary candidate' });
    await expectError(
      alias({ alias: 'champion', version: '6', reason: 'no', override: true, reject: true }),
      ErrorCode.InvalidArgument,
    );
    // The outbox publishes after the commit, on its own time: count from after that event.
    await eventually(() => events.some((e) => e.alias === 'challenger' && e.version === '6'));
    const seen = events.length;
    const reason = 'rollout 42: 2 failed checks; the last: agreement 0.450 < 0.900';
    const set = await alias({
      alias: 'challenger',
      version: null,
      reject: true,
      reason,
      actor: 'rollout',
      source: 'rollout',
    });
    expect(set).toMatchObject({ alias: { version: null }, previousVersion: '6' });
    const v6 = await requester.request(rc.versionLineage, { modelName: MODEL, version: '6' });
    expect(v6.version.status).toBe('rejected');
    expect(v6.history[0]).toMatchObject({
      action: 'version.rejected',
      actor: 'rollout',
      reason,
      details: { alias: 'challenger', source: 'rollout' },
    });
    await eventually(() => events.length > seen);
    expect(events.slice(seen).map((e) => [e.alias, e.previousVersion, e.version])).toEqual([
      ['challenger', '6', null],
    ]);
    // Tried again and removed without reject, it is retired, as before.
    await alias({ alias: 'challenger', version: '6', reason: 'another try' });
    await alias({ alias: 'challenger', version: null, reason: 'not now' });
    expect(
      (await requester.request(rc.getVersion, { modelName: MODEL, version: '6' })).status,
    ).toBe('retired');
  });
});
