import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  MODEL_ALIASES,
  ModelAliasChanged,
  type ModelAliasChangedV1,
  ModelRegistered,
  type ModelRegisteredV1,
} from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { ModelAliasRow, ModelVersion, RegisteredModel } from '../entities/registry.entities.js';
import { MlflowClient, type MlflowAuth } from '../mlflow/mlflow.client.js';
import { type MirrorAliases, MlflowMirror, type MirrorVersion } from '../mlflow/mlflow-mirror.js';
import { RegistryConfig } from '../registry.config.js';

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * Keeps MLflow's model registry equal to ours. Only the registry writes there: each registration
 * and alias change is mirrored from its JetStream event (acknowledged once MLflow has it, retried
 * by JetStream while MLflow is away), and the whole model is reconciled at start and then
 * periodically, the registry winning. MLflow being down never blocks the registry itself.
 */
@Injectable()
export class MlflowSync implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MlflowSync.name);
  private readonly mirror?: MlflowMirror;
  private readonly stopping = new AbortController();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumers: EventConsumers,
    private readonly config: RegistryConfig,
  ) {
    if (config.MLFLOW_TRACKING_URI) {
      const client = new MlflowClient({
        trackingUri: config.MLFLOW_TRACKING_URI,
        auth: mlflowAuth(config),
        onRetry: (e) =>
          this.logger.warn(`MLflow ${e.endpoint}: attempt ${e.attempt} failed; retrying`),
      });
      this.mirror = new MlflowMirror(client);
    }
  }

  get enabled(): boolean {
    return this.mirror !== undefined;
  }

  onModuleInit() {
    if (!this.mirror) return;
    this.consumers.register({
      contract: ModelRegistered,
      durable: 'registry-mlflow-versions',
      handler: (event) => this.onRegistered(event),
    });
    this.consumers.register({
      contract: ModelAliasChanged,
      durable: 'registry-mlflow-aliases',
      handler: (event) => this.onAliasChanged(event),
    });
  }

  onApplicationBootstrap() {
    if (this.mirror) void this.reconcileForever();
  }

  onApplicationShutdown() {
    this.stopping.abort();
  }

  async onRegistered(event: ModelRegisteredV1) {
    await this.syncVersion(event.modelName, event.version);
  }

  async onAliasChanged(event: ModelAliasChangedV1) {
    // The version first (its event may not have been handled yet), then the alias; the version
    // it replaced gets its status tag put right. An alias on a version this registry does not
    // have is not mirrored (retrying could never make MLflow hold it): reconcile keeps MLflow
    // equal to the registry's own aliases.
    if (event.version && !(await this.syncVersion(event.modelName, event.version))) {
      this.logger.warn(
        `${event.modelName} ${event.alias} -> v${event.version}: no such version here; not mirrored`,
      );
      return;
    }
    await this.mirror!.syncAlias(event.modelName, event.alias, event.version);
    if (event.previousVersion) await this.syncVersion(event.modelName, event.previousVersion);
  }

  /** Reconciles every model now; what changed in MLflow is logged. */
  async reconcile(): Promise<void> {
    const models = await this.dataSource.getRepository(RegisteredModel).find();
    for (const model of models) {
      const versions = await this.dataSource
        .getRepository(ModelVersion)
        .find({ where: { modelId: model.id }, order: { version: 'ASC' } });
      const rows = await this.dataSource.getRepository(ModelAliasRow).findBy({ modelId: model.id });
      const numbers = new Map(versions.map((v) => [v.id, String(v.version)]));
      const aliases: MirrorAliases = Object.fromEntries(
        MODEL_ALIASES.map((alias) => {
          const row = rows.find((r) => r.alias === alias);
          return [alias, row?.modelVersionId ? numbers.get(row.modelVersionId)! : null];
        }),
      );
      const report = await this.mirror!.reconcile(model.name, versions.map(mirrorVersion), aliases);
      for (const [version, mlflowVersion] of Object.entries(report.mlflowVersions)) {
        await this.dataSource
          .getRepository(ModelVersion)
          .update({ modelId: model.id, version: Number(version) }, { mlflowVersion });
      }
      if (report.changes.length > 0) {
        this.logger.log(`MLflow reconciled for ${model.name}: ${report.changes.length} change(s)`);
      }
      for (const warning of report.warnings) this.logger.warn(`MLflow ${model.name}: ${warning}`);
    }
  }

  /** Mirrors one registry version; false when this registry has no such version. */
  private async syncVersion(modelName: string, version: string): Promise<boolean> {
    const row = await this.dataSource
      .getRepository(ModelVersion)
      .createQueryBuilder('v')
      .innerJoin(RegisteredModel, 'm', 'm.id = v.model_id')
      .where('m.name = :modelName AND v.version = :version', {
        modelName,
        version: Number(version),
      })
      .getOne();
    if (!row) return false; // a model version this registry does not have: nothing to mirror
    const { mlflowVersion } = await this.mirror!.syncVersion(modelName, mirrorVersion(row));
    if (row.mlflowVersion !== mlflowVersion) {
      await this.dataSource.getRepository(ModelVersion).update({ id: row.id }, { mlflowVersion });
    }
    return true;
  }

  private async reconcileForever() {
    let delay = RETRY_FIRST_MS;
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        await this.reconcile();
        delay = RETRY_FIRST_MS;
        await sleep(this.config.REGISTRY_MLFLOW_RECONCILE_S * 1000, undefined, { signal });
      } catch (err) {
        if (signal.aborted) return;
        this.logger.warn(`MLflow reconcile failed (${String(err)}); again in ${delay / 1000}s`);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}

/** What MLflow shows of a registry version: the registry's number, lineage and status as tags. */
function mirrorVersion(v: ModelVersion): MirrorVersion {
  const card = v.card as {
    training?: { mlflow_run_id?: string | null };
    dataset?: { content_sha256?: string };
    code_commit?: string;
  };
  return {
    version: String(v.version),
    runId: card.training?.mlflow_run_id ?? null,
    artifactUri: v.artifactUri,
    description: `SentimentOps registry v${v.version}, registered by ${v.createdBy}`,
    tags: {
      'sentimentops.status': v.status,
      'sentimentops.content_sha256': v.contentSha256,
      'sentimentops.dataset_sha256': card.dataset?.content_sha256 ?? '',
      'sentimentops.code_commit': card.code_commit ?? '',
    },
  };
}

function mlflowAuth(config: RegistryConfig): MlflowAuth | undefined {
  if (config.MLFLOW_TRACKING_TOKEN) return { token: config.MLFLOW_TRACKING_TOKEN };
  if (config.MLFLOW_TRACKING_USERNAME && config.MLFLOW_TRACKING_PASSWORD) {
    return { username: config.MLFLOW_TRACKING_USERNAME, password: config.MLFLOW_TRACKING_PASSWORD };
  }
  return undefined;
}
