import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AliasView,
  type AuditEventView,
  type DatasetLineageReply,
  type DatasetView,
  ErrorCode,
  type EvaluationView,
  MODEL_ALIASES,
  type ModelAlias,
  type ModelVersionDetail,
  type ModelVersionSummary,
  ServiceException,
  type TrainingRunView,
  type VersionLineageReply,
} from '@sentimentops/contracts';
import { In, type DataSource } from 'typeorm';
import {
  AuditEvent,
  DatasetVersion,
  Evaluation,
  ModelAliasRow,
  ModelVersion,
  RegisteredModel,
  TrainingRun,
} from '../entities/registry.entities.js';

/** What the registry answers about models, versions, datasets and aliases: read-only views. */
@Injectable()
export class RegistryQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async listVersions(modelName: string): Promise<ModelVersionSummary[]> {
    const model = await this.model(modelName);
    const versions = await this.repo(ModelVersion).find({
      where: { modelId: model.id },
      order: { version: 'DESC' },
    });
    const aliases = await this.aliasesByVersion(model.id);
    return versions.map((v) => this.summary(model, v, aliases));
  }

  async getVersion(modelName: string, version: string): Promise<ModelVersionDetail> {
    const model = await this.model(modelName);
    const row = await this.version(model, version);
    const evaluations = await this.evaluations([row.id]);
    return {
      ...this.summary(model, row, await this.aliasesByVersion(model.id)),
      files: row.files,
      card: row.card,
      evaluations,
    };
  }

  async versionLineage(modelName: string, version: string): Promise<VersionLineageReply> {
    const model = await this.model(modelName);
    const row = await this.version(model, version);
    const [dataset, run, evaluations, history] = await Promise.all([
      this.repo(DatasetVersion).findOneByOrFail({ id: row.datasetId }),
      this.repo(TrainingRun).findOneByOrFail({ id: row.runId }),
      this.evaluations([row.id]),
      this.repo(AuditEvent).find({
        where: { modelVersionId: row.id },
        order: { at: 'DESC', id: 'DESC' },
        take: 100,
      }),
    ]);
    const comparedWith = evaluations
      .filter((e) => e.kind === 'promotion-gate' && e.comparedWithVersion)
      .map((e) => ({
        version: e.comparedWithVersion!,
        testSet: e.testSet,
        passed: e.passed === true,
        at: e.createdAt,
      }));
    return {
      version: this.summary(model, row, await this.aliasesByVersion(model.id)),
      dataset: datasetView(dataset),
      run: runView(run),
      evaluations,
      comparedWith,
      history: history.map(auditView),
    };
  }

  async datasetLineage(contentSha256: string): Promise<DatasetLineageReply> {
    const dataset = await this.repo(DatasetVersion).findOneBy({ contentSha256 });
    if (!dataset) throw notFound(`no dataset with content sha256 ${contentSha256}`);
    const versions = await this.repo(ModelVersion).find({
      where: { datasetId: dataset.id },
      relations: { model: true },
      order: { createdAt: 'DESC' },
    });
    const aliases = new Map<number, Map<number, ModelAlias[]>>();
    for (const modelId of new Set(versions.map((v) => v.modelId))) {
      aliases.set(modelId, await this.aliasesByVersion(modelId));
    }
    return {
      dataset: datasetView(dataset),
      versions: versions.map((v) => this.summary(v.model!, v, aliases.get(v.modelId)!)),
    };
  }

  async listAliases(modelName: string): Promise<AliasView[]> {
    const model = await this.model(modelName);
    const rows = await this.repo(ModelAliasRow).findBy({ modelId: model.id });
    const versions = await this.versionNumbers(rows.map((r) => r.modelVersionId));
    return MODEL_ALIASES.map((alias) => rows.find((r) => r.alias === alias))
      .filter((r): r is ModelAliasRow => r !== undefined)
      .map((r) => aliasView(r, versions));
  }

  aliasView(row: ModelAliasRow, version: string | null): AliasView {
    return aliasView(row, new Map(row.modelVersionId ? [[row.modelVersionId, version!]] : []));
  }

  async model(name: string): Promise<RegisteredModel> {
    const model = await this.repo(RegisteredModel).findOneBy({ name });
    if (!model) throw notFound(`model "${name}" is not registered`);
    return model;
  }

  private async version(model: RegisteredModel, version: string): Promise<ModelVersion> {
    const row = await this.repo(ModelVersion).findOneBy({
      modelId: model.id,
      version: Number(version),
    });
    if (!row) throw notFound(`${model.name} has no version ${version}`);
    return row;
  }

  summary(
    model: RegisteredModel,
    v: ModelVersion,
    aliases: Map<number, ModelAlias[]>,
  ): ModelVersionSummary {
    const training = (v.card.training ?? {}) as { mlflow_run_id?: string | null };
    const dataset = (v.card.dataset ?? {}) as { content_sha256?: string };
    return {
      modelName: model.name,
      version: String(v.version),
      status: v.status,
      aliases: aliases.get(v.id) ?? [],
      artifactUri: v.artifactUri,
      format: v.format,
      contentSha256: v.contentSha256,
      datasetSha256: dataset.content_sha256 ?? '',
      mlflowRunId: training.mlflow_run_id ?? null,
      mlflowVersion: v.mlflowVersion,
      metrics: v.metrics,
      createdBy: v.createdBy,
      createdAt: v.createdAt.toISOString(),
    };
  }

  private async evaluations(versionIds: number[]): Promise<EvaluationView[]> {
    const rows = await this.repo(Evaluation).find({
      where: { modelVersionId: In(versionIds) },
      order: { createdAt: 'DESC' },
    });
    const compared = await this.versionNumbers(rows.map((r) => r.comparedWithVersionId));
    return rows.map((e) => ({
      id: e.id,
      kind: e.kind,
      testSet: e.testSet,
      testSetSha256: e.testSetSha256,
      metrics: e.metrics,
      baseline: e.baseline,
      passed: e.passed,
      reasons: e.reasons,
      comparedWithVersion: e.comparedWithVersionId
        ? (compared.get(e.comparedWithVersionId) ?? null)
        : null,
      createdAt: e.createdAt.toISOString(),
    }));
  }

  private async aliasesByVersion(modelId: number): Promise<Map<number, ModelAlias[]>> {
    const rows = await this.repo(ModelAliasRow).findBy({ modelId });
    const byVersion = new Map<number, ModelAlias[]>();
    for (const alias of MODEL_ALIASES) {
      const row = rows.find((r) => r.alias === alias && r.modelVersionId !== null);
      if (row)
        byVersion.set(row.modelVersionId!, [...(byVersion.get(row.modelVersionId!) ?? []), alias]);
    }
    return byVersion;
  }

  /** Version numbers by row id. */
  private async versionNumbers(ids: (number | null)[]): Promise<Map<number, string>> {
    const wanted = [...new Set(ids.filter((id): id is number => id !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.repo(ModelVersion).find({
      where: { id: In(wanted) },
      select: { id: true, version: true },
    });
    return new Map(rows.map((r) => [r.id, String(r.version)]));
  }

  private repo<T extends object>(entity: new () => T) {
    return this.dataSource.getRepository(entity);
  }
}

function aliasView(row: ModelAliasRow, versions: Map<number, string>): AliasView {
  return {
    alias: row.alias,
    version: row.modelVersionId ? (versions.get(row.modelVersionId) ?? null) : null,
    revision: row.revision,
    updatedBy: row.updatedBy,
    reason: row.reason,
    updatedAt: row.updatedAt?.toISOString() ?? null,
  };
}

function datasetView(d: DatasetVersion): DatasetView {
  return {
    contentSha256: d.contentSha256,
    rows: d.rows,
    splits: d.splits,
    source: d.source,
    uri: d.uri,
    validationReportUri: d.validationReportUri,
    createdAt: d.createdAt.toISOString(),
  };
}

function runView(r: TrainingRun): TrainingRunView {
  return {
    runId: r.runId,
    mlflowRunId: r.mlflowRunId,
    jobId: r.jobId,
    codeCommit: r.codeCommit,
    codeDirty: r.codeDirty,
    params: r.params,
    timings: r.timings,
    createdAt: r.createdAt.toISOString(),
  };
}

function auditView(a: AuditEvent): AuditEventView {
  return {
    id: String(a.id),
    actor: a.actor,
    action: a.action,
    reason: a.reason,
    details: a.details,
    at: a.at.toISOString(),
  };
}

const notFound = (message: string) => new ServiceException(ErrorCode.NotFound, message);
