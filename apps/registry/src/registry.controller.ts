import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DatasetRequest,
  type DatasetLineageReply,
  type ListAliasesReply,
  type ListVersionsReply,
  ModelRequest,
  type ModelVersionDetail,
  RecordEvaluationRequest,
  type RecordEvaluationReply,
  RegisterVersionRequest,
  type RegisterVersionReply,
  registryContracts as rc,
  SetAliasRequest,
  type SetAliasReply,
  type VersionLineageReply,
  VersionRequest,
} from '@sentimentops/contracts';
import { AliasService } from './aliases/alias.service.js';
import { EvaluationRecorder } from './evaluations/evaluation-recorder.js';
import { RegistryQueries } from './queries/registry-queries.js';
import { VersionRegistrar } from './registration/version-registrar.js';

/** The registry's request/reply API over NATS; the gateway's admin routes call these. */
@Controller()
export class RegistryController {
  constructor(
    private readonly queries: RegistryQueries,
    private readonly registrar: VersionRegistrar,
    private readonly aliases: AliasService,
    private readonly evaluations: EvaluationRecorder,
  ) {}

  @MessagePattern(rc.listVersions.subject)
  async listVersions(@Payload() request: ModelRequest): Promise<ListVersionsReply> {
    return { versions: await this.queries.listVersions(request.modelName) };
  }

  @MessagePattern(rc.getVersion.subject)
  getVersion(@Payload() request: VersionRequest): Promise<ModelVersionDetail> {
    return this.queries.getVersion(request.modelName, request.version);
  }

  @MessagePattern(rc.versionLineage.subject)
  versionLineage(@Payload() request: VersionRequest): Promise<VersionLineageReply> {
    return this.queries.versionLineage(request.modelName, request.version);
  }

  @MessagePattern(rc.datasetLineage.subject)
  datasetLineage(@Payload() request: DatasetRequest): Promise<DatasetLineageReply> {
    return this.queries.datasetLineage(request.contentSha256);
  }

  @MessagePattern(rc.registerVersion.subject)
  async registerVersion(@Payload() request: RegisterVersionRequest): Promise<RegisterVersionReply> {
    const { version, created } = await this.registrar.register(request);
    const model = await this.queries.model(request.modelName);
    const versions = await this.queries.listVersions(model.name);
    return { version: versions.find((v) => v.version === String(version.version))!, created };
  }

  @MessagePattern(rc.recordEvaluation.subject)
  async recordEvaluation(
    @Payload() request: RecordEvaluationRequest,
  ): Promise<RecordEvaluationReply> {
    await this.evaluations.record(request);
    const detail = await this.queries.getVersion(request.modelName, request.version);
    return { evaluation: detail.evaluations[0] };
  }

  @MessagePattern(rc.listAliases.subject)
  async listAliases(@Payload() request: ModelRequest): Promise<ListAliasesReply> {
    return { aliases: await this.queries.listAliases(request.modelName) };
  }

  @MessagePattern(rc.setAlias.subject)
  async setAlias(@Payload() request: SetAliasRequest): Promise<SetAliasReply> {
    const change = await this.aliases.setAlias(request);
    const detail = change.gate
      ? await this.queries.getVersion(request.modelName, request.version!)
      : undefined;
    return {
      alias: this.queries.aliasView(change.alias, request.version),
      previousVersion: change.previousVersion,
      gate: detail?.evaluations.find((e) => e.id === change.gate!.id) ?? null,
    };
  }
}
