import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CreateModelVersionInput,
  type MlflowClient,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
} from './mlflow.client.js';
import { MlflowError, MlflowErrorCode } from './mlflow.error.js';
import {
  MlflowMirror,
  MlflowMirrorError,
  MlflowMirrorErrorCode,
  type MirrorVersion,
} from './mlflow-mirror.js';

/**
 * MLflow's model registry in memory, as far as the mirror uses it (the integration spec runs the
 * same flows against a real server). Every write is recorded in `writes`.
 */
class FakeMlflow {
  models = new Map<string, MlflowRegisteredModel>();
  versions: MlflowModelVersion[] = [];
  writes: string[] = [];

  private model(name: string): MlflowRegisteredModel {
    const model = this.models.get(name);
    if (!model)
      throw new MlflowError(MlflowErrorCode.ResourceDoesNotExist, `no ${name}`, 404, 'x', 1);
    return model;
  }

  private version(name: string, version: string): MlflowModelVersion {
    const found = this.versions.find((v) => v.name === name && v.version === version);
    if (!found)
      throw new MlflowError(MlflowErrorCode.ResourceDoesNotExist, 'no version', 404, 'x', 1);
    return found;
  }

  async getRegisteredModel(name: string) {
    await sleep(1); // let concurrent callers interleave, as they would over HTTP
    return structuredClone(this.model(name));
  }

  async createRegisteredModel(
    name: string,
    init: { description?: string; tags?: Record<string, string> },
  ) {
    if (this.models.has(name)) {
      throw new MlflowError(MlflowErrorCode.ResourceAlreadyExists, 'exists', 400, 'x', 1);
    }
    this.writes.push(`create-model ${name}`);
    const model = {
      name,
      description: init.description ?? '',
      tags: { ...init.tags },
      aliases: {},
      creationTimestamp: 0,
      lastUpdatedTimestamp: 0,
    };
    this.models.set(name, model);
    return Promise.resolve(model);
  }

  async updateRegisteredModel(name: string, description: string) {
    this.writes.push(`describe-model ${name}`);
    this.model(name).description = description;
    return Promise.resolve();
  }

  async setRegisteredModelTag(name: string, key: string, value: string) {
    this.writes.push(`tag-model ${name} ${key}`);
    this.model(name).tags[key] = value;
    return Promise.resolve();
  }

  async createModelVersion(input: CreateModelVersionInput) {
    this.model(input.name);
    await sleep(1);
    const version: MlflowModelVersion = {
      name: input.name,
      version: String(this.versions.filter((v) => v.name === input.name).length + 1),
      source: input.source,
      runId: input.runId ?? null,
      description: input.description ?? '',
      tags: { ...input.tags },
      aliases: [],
      status: 'READY',
      creationTimestamp: 0,
      lastUpdatedTimestamp: 0,
    };
    this.writes.push(`create-version ${input.name} ${version.version}`);
    this.versions.push(version);
    return structuredClone(version);
  }

  async searchAllModelVersions(filter: string) {
    const match = /^name = '([^']+)'(?: and tags\.`([^`]+)` = '([^']+)')?$/.exec(filter);
    if (!match) throw new Error(`fake MLflow cannot parse ${filter}`);
    const [, name, key, value] = match;
    await sleep(1);
    return structuredClone(
      this.versions.filter((v) => v.name === name && (!key || v.tags[key] === value)),
    );
  }

  async updateModelVersion(name: string, version: string, description: string) {
    this.writes.push(`describe-version ${version}`);
    this.version(name, version).description = description;
    return Promise.resolve();
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string) {
    this.writes.push(`tag-version ${version} ${key}`);
    this.version(name, version).tags[key] = value;
    return Promise.resolve();
  }

  async deleteModelVersionTag(name: string, version: string, key: string) {
    this.writes.push(`untag-version ${version} ${key}`);
    delete this.version(name, version).tags[key];
    return Promise.resolve();
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string) {
    this.version(name, version);
    this.writes.push(`alias ${alias} ${version}`);
    this.model(name).aliases[alias] = version;
    return Promise.resolve();
  }

  async deleteRegisteredModelAlias(name: string, alias: string) {
    this.writes.push(`unalias ${alias}`);
    delete this.model(name).aliases[alias];
    return Promise.resolve();
  }
}

const trained = (version: string, runId = `run${version}`): MirrorVersion => ({
  version,
  runId,
  artifactUri: `gs://bucket/models/sentiment/${version}`,
  description: `version ${version}`,
  tags: { 'sentimentops.content_sha256': `sha-${version}` },
});

describe('MlflowMirror', () => {
  let mlflow: FakeMlflow;
  let mirror: MlflowMirror;

  beforeEach(() => {
    mlflow = new FakeMlflow();
    mirror = new MlflowMirror(mlflow as unknown as MlflowClient);
  });

  describe('syncVersion', () => {
    it('creates the model and a version from the run, tagged with the registry version', async () => {
      await expect(mirror.syncVersion('sentiment', trained('1'))).resolves.toEqual({
        mlflowVersion: '1',
        created: true,
      });
      expect(mlflow.models.get('sentiment')!.tags).toEqual({
        'sentimentops.managed_by': 'sentimentops-registry',
      });
      expect(mlflow.versions[0]).toMatchObject({
        source: 'runs:/run1/model',
        runId: 'run1',
        description: 'version 1',
        tags: {
          'sentimentops.version': '1',
          'sentimentops.artifact_uri': 'gs://bucket/models/sentiment/1',
          'sentimentops.content_sha256': 'sha-1',
        },
      });
    });

    it('is a no-op when repeated', async () => {
      await mirror.syncVersion('sentiment', trained('1'));
      mlflow.writes = [];
      await expect(mirror.syncVersion('sentiment', trained('1'))).resolves.toEqual({
        mlflowVersion: '1',
        created: false,
      });
      expect(mlflow.writes).toEqual([]);
    });

    it('puts a changed description and tags right on a repeat', async () => {
      await mirror.syncVersion('sentiment', trained('1'));
      mlflow.writes = [];
      const changed = {
        ...trained('1'),
        description: 'new',
        tags: { 'sentimentops.status': 'champion' },
      };
      await mirror.syncVersion('sentiment', changed);
      expect(mlflow.writes).toEqual([
        'describe-version 1',
        'tag-version 1 sentimentops.status',
        'untag-version 1 sentimentops.content_sha256',
      ]);
    });

    it('uses a non-local artifact URI as the source of a version without a run', async () => {
      await mirror.syncVersion('sentiment', { ...trained('1'), runId: null });
      expect(mlflow.versions[0]).toMatchObject({
        source: 'gs://bucket/models/sentiment/1',
        runId: null,
      });
    });

    it.each(['file:///srv/models/sentiment-demo', '/srv/models/sentiment-demo'])(
      'names the registry version as the source of a local one without a run (%s)',
      async (artifactUri) => {
        await mirror.syncVersion('sentiment', { ...trained('1'), runId: null, artifactUri });
        expect(mlflow.versions[0]).toMatchObject({
          source: 'sentimentops:/models/sentiment/versions/1',
          runId: null,
        });
        expect(mlflow.versions[0].tags['sentimentops.artifact_uri']).toBe(artifactUri);
      },
    );

    it('adopts a version that lost its tag instead of creating a second one', async () => {
      await mirror.syncVersion('sentiment', trained('1'));
      delete mlflow.versions[0].tags['sentimentops.version'];
      mlflow.writes = [];
      await expect(mirror.syncVersion('sentiment', trained('1'))).resolves.toEqual({
        mlflowVersion: '1',
        created: false,
      });
      expect(mlflow.writes).toEqual(['tag-version 1 sentimentops.version']);
    });

    it('creates one version when asked twice at once', async () => {
      const results = await Promise.all([
        mirror.syncVersion('sentiment', trained('1')),
        mirror.syncVersion('sentiment', trained('1')),
      ]);
      expect(results.map((r) => r.created).sort()).toEqual([false, true]);
      expect(mlflow.versions).toHaveLength(1);
    });

    it('recreates a registered model deleted by hand', async () => {
      await mirror.syncVersion('sentiment', trained('1'));
      mlflow.models.clear();
      mlflow.versions = [];
      await expect(mirror.syncVersion('sentiment', trained('2'))).resolves.toEqual({
        mlflowVersion: '1',
        created: true,
      });
      expect(mlflow.models.has('sentiment')).toBe(true);
    });

    it('refuses names that it cannot quote in a filter', async () => {
      await expect(mirror.syncVersion("it's", trained('1'))).rejects.toMatchObject({
        code: MlflowMirrorErrorCode.InvalidInput,
      });
    });
  });

  describe('ensureModel', () => {
    it('creates the model once and keeps its description as the registry has it', async () => {
      await mirror.ensureModel('sentiment', 'Sentiment classifier');
      await mirror.ensureModel('sentiment', 'Sentiment classifier');
      expect(mlflow.writes).toEqual(['create-model sentiment']);
      mlflow.models.get('sentiment')!.description = 'edited by hand';
      await mirror.ensureModel('sentiment', 'Sentiment classifier');
      expect(mlflow.models.get('sentiment')!.description).toBe('Sentiment classifier');
    });
  });

  describe('syncAlias', () => {
    beforeEach(async () => {
      await mirror.syncVersion('sentiment', trained('4'));
      await mirror.syncVersion('sentiment', trained('7'));
    });

    it('points the alias at the MLflow version of the registry version, and removes it', async () => {
      await mirror.syncAlias('sentiment', 'champion', '7');
      expect(mlflow.models.get('sentiment')!.aliases).toEqual({ champion: '2' });
      await mirror.syncAlias('sentiment', 'champion', null);
      expect(mlflow.models.get('sentiment')!.aliases).toEqual({});
    });

    it('fails for a version that is not mirrored', async () => {
      const attempt = mirror.syncAlias('sentiment', 'champion', '9');
      await expect(attempt).rejects.toBeInstanceOf(MlflowMirrorError);
      await expect(attempt).rejects.toMatchObject({
        code: MlflowMirrorErrorCode.VersionNotMirrored,
      });
    });
  });

  describe('reconcile', () => {
    it('builds the mirror from nothing', async () => {
      const report = await mirror.reconcile('sentiment', [trained('2'), trained('1')], {
        champion: '2',
        challenger: null,
      });
      expect(report.changes).toEqual([
        { kind: 'model-created' },
        { kind: 'version-created', version: '1', mlflowVersion: '1' },
        { kind: 'version-created', version: '2', mlflowVersion: '2' },
        {
          kind: 'alias-set',
          alias: 'champion',
          version: '2',
          mlflowVersion: '2',
          previousMlflowVersion: null,
        },
      ]);
      expect(report.mlflowVersions).toEqual({ '1': '1', '2': '2' });
      await expect(
        mirror.reconcile('sentiment', [trained('1'), trained('2')], { champion: '2' }),
      ).resolves.toMatchObject({ changes: [], warnings: [], unmanagedMlflowVersions: [] });
    });

    it('undoes changes made by hand and reports them', async () => {
      const versions = [trained('1'), trained('2')];
      await mirror.reconcile('sentiment', versions, { champion: '2', previous: '1' });
      const model = mlflow.models.get('sentiment')!;
      model.aliases = { champion: '1', staging: '2' }; // moved champion, dropped previous, added one
      mlflow.versions[1].tags['sentimentops.stray'] = 'x';
      mlflow.versions[1].tags['team.note'] = 'kept';
      mlflow.versions[0].description = 'edited';
      mlflow.writes = [];

      const report = await mirror.reconcile('sentiment', versions, {
        champion: '2',
        previous: '1',
      });

      expect(report.changes).toEqual([
        { kind: 'description-set', version: '1', mlflowVersion: '1' },
        {
          kind: 'tag-deleted',
          version: '2',
          mlflowVersion: '2',
          key: 'sentimentops.stray',
          previous: 'x',
        },
        { kind: 'alias-deleted', alias: 'staging', previousMlflowVersion: '2' },
        {
          kind: 'alias-set',
          alias: 'champion',
          version: '2',
          mlflowVersion: '2',
          previousMlflowVersion: '1',
        },
        {
          kind: 'alias-set',
          alias: 'previous',
          version: '1',
          mlflowVersion: '1',
          previousMlflowVersion: null,
        },
      ]);
      expect(model.aliases).toEqual({ champion: '2', previous: '1' });
      expect(mlflow.versions[1].tags['team.note']).toBe('kept');
    });

    it('lists versions made by hand and duplicates without touching them', async () => {
      await mirror.reconcile('sentiment', [trained('1')], {});
      await mlflow.createModelVersion({ name: 'sentiment', source: 'gs://elsewhere' });
      await mlflow.createModelVersion({
        name: 'sentiment',
        source: 'runs:/run1/model',
        runId: 'run1',
        tags: { 'sentimentops.version': '1' },
      });
      const report = await mirror.reconcile('sentiment', [trained('1')], {});
      expect(report.changes).toEqual([]);
      expect(report.unmanagedMlflowVersions).toEqual(['2', '3']);
      expect(report.warnings).toEqual([
        'MLflow versions 1, 3 all mirror version 1; version 1 is used',
      ]);
    });

    it('refuses an alias on a version it was not given, before changing anything', async () => {
      await expect(
        mirror.reconcile('sentiment', [trained('1')], { champion: '5' }),
      ).rejects.toMatchObject({
        code: MlflowMirrorErrorCode.VersionNotMirrored,
      });
      expect(mlflow.writes).toEqual([]);
    });
  });
});
