// The registry's copy of itself in MLflow's model registry. The registry (PostgreSQL) is the
// source of truth; MLflow shows the same models, versions, tags and aliases so that MLflow users
// (the UI, `models:/sentiment@champion`) see what the platform serves. Only this class writes
// there; whatever someone changes by hand in MLflow, `reconcile` puts back.
//
// MLflow numbers its versions itself, so registry version N is found in MLflow by the tag
// `sentimentops.version=N` (set in the same request that creates the version) rather than by
// number. That tag makes every call idempotent: a repeat finds the version instead of creating a
// second one.
import { MODEL_ALIASES, type ModelAlias } from '@sentimentops/contracts';
import { type MlflowClient, type MlflowModelVersion } from './mlflow.client.js';
import { MlflowError, MlflowErrorCode } from './mlflow.error.js';

/** The registry version an MLflow version mirrors. */
export const VERSION_TAG = 'sentimentops.version';
/** Where the registry keeps the version's files (file:// or gs://). */
export const ARTIFACT_URI_TAG = 'sentimentops.artifact_uri';
/** On the registered model: who owns it (edits made in MLflow are overwritten). */
export const MANAGED_BY_TAG = 'sentimentops.managed_by';
export const MANAGED_BY = 'sentimentops-registry';
/** Tags under this prefix are the mirror's: one the registry does not set is removed. */
const OWN_TAG_PREFIX = 'sentimentops.';

export interface MirrorVersion {
  version: string;
  /** The MLflow run that trained it; null for a model trained without MLflow (the demo model). */
  runId: string | null;
  artifactUri: string;
  /** Registry wins: left out means MLflow's description is emptied. */
  description?: string;
  tags: Record<string, string>;
}

/** The registry's aliases; one left out or null has no MLflow alias either. */
export type MirrorAliases = Partial<Record<ModelAlias, string | null>>;

export type ReconcileChange =
  | { kind: 'model-created' }
  | { kind: 'version-created'; version: string; mlflowVersion: string }
  /** An MLflow version that had lost its `sentimentops.version` tag, found by its source. */
  | { kind: 'version-adopted'; version: string; mlflowVersion: string }
  | { kind: 'description-set'; version: string; mlflowVersion: string }
  | {
      kind: 'tag-set';
      version: string;
      mlflowVersion: string;
      key: string;
      value: string;
      previous: string | null;
    }
  | { kind: 'tag-deleted'; version: string; mlflowVersion: string; key: string; previous: string }
  | {
      kind: 'alias-set';
      alias: string;
      version: string;
      mlflowVersion: string;
      previousMlflowVersion: string | null;
    }
  | { kind: 'alias-deleted'; alias: string; previousMlflowVersion: string };

export interface ReconcileReport {
  modelName: string;
  /** What was changed in MLflow, in order; empty when MLflow already matched. */
  changes: ReconcileChange[];
  /** registry version -> MLflow version, for every version passed in. */
  mlflowVersions: Record<string, string>;
  /** MLflow versions no registry version maps to (made by hand): listed, left alone. */
  unmanagedMlflowVersions: string[];
  /** What could not be put right: duplicates, a source that differs (MLflow cannot change it). */
  warnings: string[];
}

export enum MlflowMirrorErrorCode {
  /** An alias names a registry version that has no MLflow version yet. */
  VersionNotMirrored = 'VERSION_NOT_MIRRORED',
  InvalidInput = 'INVALID_INPUT',
}

export class MlflowMirrorError extends Error {
  constructor(
    readonly code: MlflowMirrorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MlflowMirrorError';
  }
}

export interface MlflowMirrorOptions {
  /** The artifact path under which the training job logs the model directory in its run. */
  runArtifactPath?: string;
  /** Versions per page when listing a model's versions. */
  pageSize?: number;
}

const isCode = (err: unknown, code: MlflowErrorCode) =>
  err instanceof MlflowError && err.errorCode === code;

const byNumber = (a: MlflowModelVersion, b: MlflowModelVersion) =>
  Number(a.version) - Number(b.version);

/** A path or a file: URI: what MLflow refuses as a source without a run that contains it. */
const isLocalUri = (uri: string) => !/^[a-z][a-z0-9+.-]*:/i.test(uri) || /^file:/i.test(uri);

/** A string literal for an MLflow filter; MLflow's parser has no escape we can rely on. */
function literal(value: string): string {
  if (/['"\\`]/.test(value)) {
    throw new MlflowMirrorError(
      MlflowMirrorErrorCode.InvalidInput,
      `cannot search MLflow for ${JSON.stringify(value)}: quotes and backslashes are not allowed`,
    );
  }
  return `'${value}'`;
}

interface Target {
  source: string;
  runId?: string;
  description: string;
  tags: Record<string, string>;
}

export class MlflowMirror {
  private readonly runArtifactPath: string;
  private readonly pageSize: number;
  /** Per model, the tail of the calls in progress: one call at a time per model. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly client: MlflowClient,
    options: MlflowMirrorOptions = {},
  ) {
    this.runArtifactPath = options.runArtifactPath ?? 'model';
    this.pageSize = options.pageSize ?? 200;
  }

  /** Creates the registered model when MLflow lacks it; sets its description when given. */
  ensureModel(modelName: string, description?: string): Promise<void> {
    return this.exclusive(modelName, async () => {
      await this.ensureModelUnlocked(modelName, description);
    });
  }

  /**
   * Makes MLflow hold registry version `v`: finds it by its tag or creates it, then puts its
   * description and tags right. A repeat changes nothing and answers `created: false`.
   */
  syncVersion(
    modelName: string,
    v: MirrorVersion,
  ): Promise<{ mlflowVersion: string; created: boolean }> {
    return this.exclusive(modelName, async () => {
      const [found] = await this.findMirrored(modelName, v.version);
      // Not found by its tag: it may have lost the tag, so look among all versions for its source.
      const pool = found ? [] : await this.listVersions(modelName);
      const outcome = await this.upsertVersion(modelName, v, found, pool, [], []);
      return { mlflowVersion: outcome.mlflowVersion, created: outcome.created };
    });
  }

  /** Points MLflow's `alias` at the MLflow version of `registryVersion`; null removes it. */
  syncAlias(modelName: string, alias: string, registryVersion: string | null): Promise<void> {
    return this.exclusive(modelName, async () => {
      if (registryVersion === null) {
        // No model in MLflow: no alias to remove either.
        await this.client.deleteRegisteredModelAlias(modelName, alias).catch((err: unknown) => {
          if (!isCode(err, MlflowErrorCode.ResourceDoesNotExist)) throw err;
        });
        return;
      }
      const [found] = await this.findMirrored(modelName, registryVersion);
      if (!found) {
        throw new MlflowMirrorError(
          MlflowMirrorErrorCode.VersionNotMirrored,
          `cannot point MLflow alias "${alias}" of ${modelName} at version ${registryVersion}: ` +
            'MLflow has no version for it yet (syncVersion it first)',
        );
      }
      await this.client.setRegisteredModelAlias(modelName, alias, found.version);
    });
  }

  /**
   * Makes MLflow match the registry for one model: creates missing versions, puts tags and
   * descriptions right, sets and removes aliases (any alias the registry does not set goes).
   * MLflow versions the registry does not know are reported, not deleted.
   */
  async reconcile(
    modelName: string,
    versions: MirrorVersion[],
    aliases: MirrorAliases,
  ): Promise<ReconcileReport> {
    const known = new Set(versions.map((v) => v.version));
    if (known.size !== versions.length) {
      throw new MlflowMirrorError(MlflowMirrorErrorCode.InvalidInput, 'a version is listed twice');
    }
    for (const alias of MODEL_ALIASES) {
      const target = aliases[alias];
      if (target != null && !known.has(target)) {
        throw new MlflowMirrorError(
          MlflowMirrorErrorCode.VersionNotMirrored,
          `alias "${alias}" of ${modelName} names version ${target}, which is not in the list`,
        );
      }
    }
    return this.exclusive(modelName, async () => {
      const changes: ReconcileChange[] = [];
      const warnings: string[] = [];
      if (await this.ensureModelUnlocked(modelName)) changes.push({ kind: 'model-created' });

      const all = await this.listVersions(modelName);
      const tagged = new Map<string, MlflowModelVersion[]>();
      for (const mv of all) {
        const version = mv.tags[VERSION_TAG];
        if (version !== undefined) tagged.set(version, [...(tagged.get(version) ?? []), mv]);
      }
      const pool = all.filter((mv) => mv.tags[VERSION_TAG] === undefined);
      const mlflowVersions: Record<string, string> = {};
      const ordered = [...versions].sort((a, b) => Number(a.version) - Number(b.version));
      for (const v of ordered) {
        const [found, ...duplicates] = tagged.get(v.version) ?? [];
        if (duplicates.length) {
          warnings.push(
            `MLflow versions ${[found, ...duplicates].map((d) => d.version).join(', ')} all ` +
              `mirror version ${v.version}; version ${found.version} is used`,
          );
        }
        const outcome = await this.upsertVersion(modelName, v, found, pool, changes, warnings);
        mlflowVersions[v.version] = outcome.mlflowVersion;
      }

      const mirrored = new Set(Object.values(mlflowVersions));
      const unmanagedMlflowVersions = all
        .filter((mv) => !mirrored.has(mv.version))
        .map((mv) => mv.version);

      const current = (await this.client.getRegisteredModel(modelName)).aliases;
      const wanted = new Map<string, string>();
      for (const alias of MODEL_ALIASES) {
        const version = aliases[alias];
        if (version != null) wanted.set(alias, version);
      }
      for (const [alias, mlflowVersion] of Object.entries(current)) {
        if (wanted.has(alias)) continue;
        await this.client.deleteRegisteredModelAlias(modelName, alias);
        changes.push({ kind: 'alias-deleted', alias, previousMlflowVersion: mlflowVersion });
      }
      for (const [alias, version] of wanted) {
        const mlflowVersion = mlflowVersions[version];
        const previous = current[alias] ?? null;
        if (previous === mlflowVersion) continue;
        await this.client.setRegisteredModelAlias(modelName, alias, mlflowVersion);
        changes.push({
          kind: 'alias-set',
          alias,
          version,
          mlflowVersion,
          previousMlflowVersion: previous,
        });
      }
      return { modelName, changes, mlflowVersions, unmanagedMlflowVersions, warnings };
    });
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * Source and run for MLflow. A trained version points at its run (`runs:/<run>/model`). One
   * without a run keeps its artifact URI when MLflow accepts it (gs://, s3://); a local one
   * cannot: MLflow (2.x and 3.x) refuses a path or file:// source unless a run's own artifact
   * directory contains it. It then names the registry's version instead, a URI MLflow accepts and
   * does not try to read; the file:// location is in the `sentimentops.artifact_uri` tag.
   */
  private target(modelName: string, v: MirrorVersion): Target {
    const tags = { ...v.tags, [VERSION_TAG]: v.version, [ARTIFACT_URI_TAG]: v.artifactUri };
    const description = v.description ?? '';
    if (v.runId) {
      return {
        source: `runs:/${v.runId}/${this.runArtifactPath}`,
        runId: v.runId,
        description,
        tags,
      };
    }
    const source = isLocalUri(v.artifactUri)
      ? `sentimentops:/models/${encodeURIComponent(modelName)}/versions/${v.version}`
      : v.artifactUri;
    return { source, description, tags };
  }

  private async upsertVersion(
    modelName: string,
    v: MirrorVersion,
    found: MlflowModelVersion | undefined,
    pool: MlflowModelVersion[],
    changes: ReconcileChange[],
    warnings: string[],
  ): Promise<{ mlflowVersion: string; created: boolean }> {
    const target = this.target(modelName, v);
    let mv = found;
    if (!mv) {
      const index = pool.findIndex(
        (candidate) =>
          candidate.tags[VERSION_TAG] === undefined &&
          candidate.source === target.source &&
          candidate.runId === (target.runId ?? null),
      );
      if (index >= 0) {
        [mv] = pool.splice(index, 1); // adopted once only
        changes.push({ kind: 'version-adopted', version: v.version, mlflowVersion: mv.version });
      }
    }
    if (!mv) {
      const created = await this.createVersion(modelName, target);
      changes.push({ kind: 'version-created', version: v.version, mlflowVersion: created.version });
      return { mlflowVersion: created.version, created: true };
    }

    const at = { version: v.version, mlflowVersion: mv.version };
    if (mv.source !== target.source || mv.runId !== (target.runId ?? null)) {
      warnings.push(
        `MLflow version ${mv.version} (version ${v.version}) has source ${mv.source}, ` +
          `expected ${target.source}; MLflow cannot change a version's source`,
      );
    }
    if (mv.description !== target.description) {
      await this.client.updateModelVersion(modelName, mv.version, target.description);
      changes.push({ kind: 'description-set', ...at });
    }
    for (const [key, value] of Object.entries(target.tags)) {
      if (mv.tags[key] === value) continue;
      await this.client.setModelVersionTag(modelName, mv.version, key, value);
      changes.push({ kind: 'tag-set', ...at, key, value, previous: mv.tags[key] ?? null });
    }
    for (const [key, previous] of Object.entries(mv.tags)) {
      if (!key.startsWith(OWN_TAG_PREFIX) || key in target.tags) continue;
      await this.client.deleteModelVersionTag(modelName, mv.version, key);
      changes.push({ kind: 'tag-deleted', ...at, key, previous });
    }
    return { mlflowVersion: mv.version, created: false };
  }

  private async createVersion(modelName: string, target: Target): Promise<MlflowModelVersion> {
    const input = { name: modelName, ...target };
    try {
      return await this.client.createModelVersion(input);
    } catch (err) {
      if (!isCode(err, MlflowErrorCode.ResourceDoesNotExist)) throw err;
      // The registered model is missing (deleted by hand, or never created): create it, once.
      await this.ensureModelUnlocked(modelName);
      return this.client.createModelVersion(input);
    }
  }

  /** Whether it created the model. */
  private async ensureModelUnlocked(modelName: string, description?: string): Promise<boolean> {
    let model;
    try {
      model = await this.client.getRegisteredModel(modelName);
    } catch (err) {
      if (!isCode(err, MlflowErrorCode.ResourceDoesNotExist)) throw err;
    }
    if (!model) {
      try {
        const tags = { [MANAGED_BY_TAG]: MANAGED_BY };
        await this.client.createRegisteredModel(modelName, { description, tags });
        return true;
      } catch (err) {
        // Created meanwhile (another registry replica, or a retried request that had succeeded).
        if (!isCode(err, MlflowErrorCode.ResourceAlreadyExists)) throw err;
        model = await this.client.getRegisteredModel(modelName);
      }
    }
    if (description !== undefined && model.description !== description) {
      await this.client.updateRegisteredModel(modelName, description);
    }
    if (model.tags[MANAGED_BY_TAG] !== MANAGED_BY) {
      await this.client.setRegisteredModelTag(modelName, MANAGED_BY_TAG, MANAGED_BY);
    }
    return false;
  }

  /** MLflow versions tagged as registry version `version`, lowest MLflow number first. */
  private async findMirrored(modelName: string, version: string): Promise<MlflowModelVersion[]> {
    const filter = `name = ${literal(modelName)} and tags.\`${VERSION_TAG}\` = ${literal(version)}`;
    return (await this.client.searchAllModelVersions(filter, this.pageSize)).sort(byNumber);
  }

  private async listVersions(modelName: string): Promise<MlflowModelVersion[]> {
    const filter = `name = ${literal(modelName)}`;
    return (await this.client.searchAllModelVersions(filter, this.pageSize)).sort(byNumber);
  }

  /** Runs `work` after every earlier call for the same model has settled. */
  private exclusive<T>(modelName: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(modelName) ?? Promise.resolve();
    const result = before.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(modelName, tail);
    void tail.then(() => {
      if (this.queues.get(modelName) === tail) this.queues.delete(modelName);
    });
    return result;
  }
}
