// The registry's MLflow mirror against a real `mlflow server` (SQLite backend), started once for
// this file: versions from real runs, aliases, reconciling after changes made by hand in MLflow,
// and a server that does not answer.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MlflowClient,
  type MlflowRetryEvent,
} from '../../apps/registry/src/mlflow/mlflow.client.js';
import { MlflowError, MlflowErrorCode } from '../../apps/registry/src/mlflow/mlflow.error.js';
import {
  MlflowMirror,
  type MirrorVersion,
  type ReconcileChange,
} from '../../apps/registry/src/mlflow/mlflow-mirror.js';
import { type MlflowServer, startMlflowServer } from '../support/mlflow-process.js';
import { freePort } from '../support/ports.js';

const MODEL = 'sentiment';
const DEMO_URI = pathToFileURL(path.resolve('models/sentiment-demo')).href;

/** A run in experiment 0 ("Default"), as the training job makes one; no artifacts needed. */
async function createRun(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/api/2.0/mlflow/runs/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ experiment_id: '0', run_name: name, start_time: Date.now() }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { run: { info: { run_id: string } } };
  return body.run.info.run_id;
}

describe('MlflowMirror against a real MLflow server', () => {
  let server: MlflowServer | undefined;
  let client: MlflowClient;
  let mirror: MlflowMirror;
  const runs: string[] = [];
  const version = (n: number, runId: string | null = runs[n - 1]): MirrorVersion => ({
    version: String(n),
    runId,
    artifactUri: runId ? `file:///var/sentimentops/artifacts/models/${n}` : DEMO_URI,
    description: `sentiment v${n}`,
    tags: { 'sentimentops.content_sha256': `${n}`.repeat(64) },
  });
  const mlflowVersionOf = async (n: number) => {
    const [found] = await client.searchAllModelVersions(
      `name = '${MODEL}' and tags.\`sentimentops.version\` = '${n}'`,
    );
    return found;
  };

  beforeAll(async () => {
    server = await startMlflowServer();
    client = new MlflowClient({ trackingUri: server.url, retry: { baseDelayMs: 50 } });
    // Pages of 2: listing the model's versions goes through page tokens.
    mirror = new MlflowMirror(client, { pageSize: 2 });
    runs.push(await createRun(server.url, 'train-1'), await createRun(server.url, 'train-2'));
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  }, 30_000);

  it('creates a version from its training run, and finds it again instead of creating another', async () => {
    await mirror.ensureModel(MODEL, 'DistilBERT sentiment classifier');

    const first = await mirror.syncVersion(MODEL, version(1));
    const again = await mirror.syncVersion(MODEL, version(1));

    expect(first).toEqual({ mlflowVersion: '1', created: true });
    expect(again).toEqual({ mlflowVersion: '1', created: false });
    const stored = await client.getModelVersion(MODEL, '1');
    expect(stored).toMatchObject({
      source: `runs:/${runs[0]}/model`,
      runId: runs[0],
      description: 'sentiment v1',
      tags: {
        'sentimentops.version': '1',
        'sentimentops.artifact_uri': 'file:///var/sentimentops/artifacts/models/1',
        'sentimentops.content_sha256': '1'.repeat(64),
      },
    });
    expect(await client.searchAllModelVersions(`name = '${MODEL}'`)).toHaveLength(1);
    const model = await client.getRegisteredModel(MODEL);
    expect(model.description).toBe('DistilBERT sentiment classifier');
    expect(model.tags['sentimentops.managed_by']).toBe('sentimentops-registry');
  }, 30_000);

  it('mirrors a second version', async () => {
    await expect(mirror.syncVersion(MODEL, version(2))).resolves.toEqual({
      mlflowVersion: '2',
      created: true,
    });
  }, 30_000);

  it('mirrors a version trained without MLflow (the demo model) under a source MLflow accepts', async () => {
    // MLflow refuses a local source unless a run's own artifact directory holds it...
    const refused = client.createModelVersion({ name: MODEL, source: DEMO_URI });
    await expect(refused).rejects.toBeInstanceOf(MlflowError);
    await expect(refused).rejects.toMatchObject({
      errorCode: MlflowErrorCode.InvalidParameterValue,
      status: 400,
    });

    // ...so the mirror names the registry's version, and keeps the file:// URI in a tag.
    const synced = await mirror.syncVersion(MODEL, version(3, null));

    expect(synced).toEqual({ mlflowVersion: '3', created: true });
    expect(await client.getModelVersion(MODEL, '3')).toMatchObject({
      source: `sentimentops:/models/${MODEL}/versions/3`,
      runId: null,
      tags: { 'sentimentops.artifact_uri': DEMO_URI, 'sentimentops.version': '3' },
    });
    await expect(mirror.syncVersion(MODEL, version(3, null))).resolves.toMatchObject({
      created: false,
    });
  }, 30_000);

  it('sets, moves and removes aliases by registry version', async () => {
    await mirror.syncAlias(MODEL, 'champion', '1');
    await mirror.syncAlias(MODEL, 'challenger', '2');
    expect((await client.getRegisteredModel(MODEL)).aliases).toEqual({
      champion: '1',
      challenger: '2',
    });

    // Promotion: the challenger becomes champion, the old champion previous.
    await mirror.syncAlias(MODEL, 'champion', '2');
    await mirror.syncAlias(MODEL, 'previous', '1');
    await mirror.syncAlias(MODEL, 'challenger', null);
    await mirror.syncAlias(MODEL, 'challenger', null); // removing what is not there is fine

    expect((await client.getModelVersionByAlias(MODEL, 'champion'))?.version).toBe('2');
    expect((await client.getModelVersionByAlias(MODEL, 'previous'))?.version).toBe('1');
    await expect(client.getModelVersionByAlias(MODEL, 'challenger')).resolves.toBeNull();
    await expect(mirror.syncAlias(MODEL, 'champion', '42')).rejects.toMatchObject({
      code: 'VERSION_NOT_MIRRORED',
    });
  }, 30_000);

  it('reconciles: changes made by hand in MLflow are undone and reported, missing versions created', async () => {
    // By hand: champion removed, challenger set on the wrong version, an alias of our own, one
    // version's registry tag deleted and its description edited, a stray tag in our namespace.
    await client.deleteRegisteredModelAlias(MODEL, 'champion');
    await client.setRegisteredModelAlias(MODEL, 'challenger', '3');
    await client.setRegisteredModelAlias(MODEL, 'staging', '1');
    await client.deleteModelVersionTag(MODEL, '2', 'sentimentops.version');
    await client.updateModelVersion(MODEL, '2', 'edited in the MLflow UI');
    await client.setModelVersionTag(MODEL, '1', 'sentimentops.stray', 'x');
    await client.setModelVersionTag(MODEL, '1', 'reviewed-by', 'ann'); // not ours: stays
    const run4 = await createRun(server!.url, 'train-4');
    const registry = [version(1), version(2), version(3, null), version(4, run4)];
    const aliases = { champion: '2', previous: '1', challenger: '4' };

    const report = await mirror.reconcile(MODEL, registry, aliases);

    const expected: ReconcileChange[] = [
      {
        kind: 'tag-deleted',
        version: '1',
        mlflowVersion: '1',
        key: 'sentimentops.stray',
        previous: 'x',
      },
      { kind: 'version-adopted', version: '2', mlflowVersion: '2' },
      { kind: 'description-set', version: '2', mlflowVersion: '2' },
      {
        kind: 'tag-set',
        version: '2',
        mlflowVersion: '2',
        key: 'sentimentops.version',
        value: '2',
        previous: null,
      },
      { kind: 'version-created', version: '4', mlflowVersion: '4' },
      { kind: 'alias-deleted', alias: 'staging', previousMlflowVersion: '1' },
      {
        kind: 'alias-set',
        alias: 'champion',
        version: '2',
        mlflowVersion: '2',
        previousMlflowVersion: null,
      },
      {
        kind: 'alias-set',
        alias: 'challenger',
        version: '4',
        mlflowVersion: '4',
        previousMlflowVersion: '3',
      },
    ];
    expect(report.changes).toEqual(expected);
    expect(report.mlflowVersions).toEqual({ '1': '1', '2': '2', '3': '3', '4': '4' });
    expect(report.unmanagedMlflowVersions).toEqual([]);
    expect(report.warnings).toEqual([]);

    expect((await client.getRegisteredModel(MODEL)).aliases).toEqual({
      champion: '2',
      previous: '1',
      challenger: '4',
    });
    const v2 = await mlflowVersionOf(2);
    expect(v2).toMatchObject({ version: '2', description: 'sentiment v2' });
    const v1 = await client.getModelVersion(MODEL, '1');
    expect(v1.tags['sentimentops.stray']).toBeUndefined();
    expect(v1.tags['reviewed-by']).toBe('ann');
    expect(await mlflowVersionOf(4)).toMatchObject({ source: `runs:/${run4}/model`, runId: run4 });

    // Nothing left to do.
    const repeat = await mirror.reconcile(MODEL, registry, aliases);
    expect(repeat.changes).toEqual([]);
  }, 60_000);

  it('retries a server that does not answer, then fails with a clear error', async () => {
    const retries: MlflowRetryEvent[] = [];
    const down = `http://127.0.0.1:${await freePort()}`;
    const unreachable = new MlflowMirror(
      new MlflowClient({
        trackingUri: down,
        retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
        onRetry: (event) => retries.push(event),
      }),
    );

    const attempt = unreachable.syncVersion(MODEL, version(1));

    await expect(attempt).rejects.toBeInstanceOf(MlflowError);
    await expect(attempt).rejects.toMatchObject({
      errorCode: MlflowErrorCode.Unreachable,
      attempts: 3,
      message: expect.stringContaining(`no answer from ${down}`),
    });
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0].reason).toContain('ECONNREFUSED');
  }, 30_000);
});
