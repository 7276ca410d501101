import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsModelVersion, MODEL_ALIASES, type ModelAlias } from '../common.dto.js';
import { defineRequest } from '../contract.js';
import { RequestSubject } from '../subjects.js';

/** Model names: what MLflow and the routes accept (`/api/models/{name}`). */
export const IsModelName = () =>
  Matches(/^[a-z][a-z0-9-]{0,63}$/, { message: 'must be a model name such as "sentiment"' });

export const IsSha256 = () =>
  Matches(/^[0-9a-f]{64}$/, { message: 'must be a lowercase hex sha256' });

/** Who asked: the admin token's name, or a platform component (`registry`, `rollout`, ...). */
export const IsActor = () =>
  Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be an actor name' });

/**
 * Where a model version is in its life. Follows the aliases: `registered` until an alias points
 * at it, `retired` once none does again; `rejected` when the promotion gate refused it.
 */
export const MODEL_VERSION_STATUSES = [
  'registered',
  'challenger',
  'champion',
  'previous',
  'retired',
  'rejected',
] as const;
export type ModelVersionStatus = (typeof MODEL_VERSION_STATUSES)[number];

/** How an alias change came about: the rollout flow, or a person overriding it. */
export const ALIAS_CHANGE_SOURCES = ['admin', 'rollout', 'pipeline', 'bootstrap'] as const;
export type AliasChangeSource = (typeof ALIAS_CHANGE_SOURCES)[number];

// ---- requests --------------------------------------------------------------------------------

export class ModelRequest {
  @IsModelName() modelName!: string;
}

export class VersionRequest extends ModelRequest {
  @IsModelVersion() version!: string;
}

export class DatasetRequest {
  @IsSha256() contentSha256!: string;
}

/**
 * Register the model directory at `artifactUri` (file:// or gs://). The registry reads its card,
 * verifies every file's sha256 and takes dataset, run and evaluations from the card.
 */
export class RegisterVersionRequest extends ModelRequest {
  @IsString() @MinLength(1) @MaxLength(1024) artifactUri!: string;
  @IsActor() actor!: string;
  /** The Job that trained it (trainer-controller), when there was one. */
  @IsOptional() @IsString() @MaxLength(256) jobId?: string;
  /** The data validation report of the dataset it was trained on. */
  @IsOptional() @IsString() @MaxLength(1024) validationReportUri?: string;
  /** Where the dataset snapshot lives (its content hash comes from the card). */
  @IsOptional() @IsString() @MaxLength(1024) datasetUri?: string;
}

export class SetAliasRequest extends ModelRequest {
  @IsIn(MODEL_ALIASES) alias!: ModelAlias;

  /** The version the alias should point at; null removes the alias. */
  @ValidateIf((o: SetAliasRequest) => o.version !== null)
  @IsModelVersion()
  version!: string | null;

  @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
  @IsActor() actor!: string;
  @IsIn(ALIAS_CHANGE_SOURCES) source!: AliasChangeSource;

  /** Moving `champion` outside the rollout flow is an override and must say so. */
  @IsOptional() @IsBoolean() override?: boolean;

  /** Optimistic concurrency: the alias revision the caller read; a change since then is a 409. */
  @IsOptional() @IsInt() @Min(0) expectedRevision?: number;

  /**
   * `challenger` only: the version that stops being challenger failed its trial (a rollout rolled
   * it back) and is marked `rejected`, with `reason` in its history, instead of `retired`.
   */
  @IsOptional() @IsBoolean() reject?: boolean;
}

export class EvaluationMetricsDto {
  @IsInt() @Min(1) n!: number;
  @IsNumber() @Min(0) @Max(1) accuracy!: number;
  @IsNumber() @Min(0) @Max(1) macroF1!: number;
  @IsOptional() @IsObject() extra?: Record<string, unknown>;
}

/** An evaluation made outside the card (the pipeline scoring candidate and champion alike). */
export class RecordEvaluationRequest extends VersionRequest {
  /** e.g. `handwritten`, or a dataset split as `test@<first 12 of the dataset hash>`. */
  @IsString() @Matches(/^[a-z0-9][a-z0-9_.@-]{0,63}$/) testSet!: string;
  @IsSha256() testSetSha256!: string;
  @ValidateNested() @Type(() => EvaluationMetricsDto) metrics!: EvaluationMetricsDto;
  @IsActor() actor!: string;
}

// ---- replies ---------------------------------------------------------------------------------

export class EvaluationView {
  @IsString() id!: string;
  @IsString() testSet!: string;
  @IsString() testSetSha256!: string;
  @IsObject() metrics!: {
    n: number;
    accuracy: number;
    macroF1: number;
    extra?: Record<string, unknown>;
  };
  /** What the metrics were compared with: a lexicon baseline, or the champion on the same set. */
  @IsOptional() @IsObject() baseline?: Record<string, unknown> | null;
  @IsOptional() @IsBoolean() passed?: boolean | null;
  @IsArray() @IsString({ each: true }) reasons!: string[];
  @IsIn(['card', 'pipeline', 'promotion-gate']) kind!: 'card' | 'pipeline' | 'promotion-gate';
  @IsOptional() @IsString() comparedWithVersion?: string | null;
  @IsISO8601() createdAt!: string;
}

export class ModelVersionSummary {
  @IsString() modelName!: string;
  @IsModelVersion() version!: string;
  @IsIn(MODEL_VERSION_STATUSES) status!: ModelVersionStatus;
  @IsArray() @IsIn(MODEL_ALIASES, { each: true }) aliases!: ModelAlias[];
  @IsString() artifactUri!: string;
  @IsString() format!: string;
  @IsString() contentSha256!: string;
  @IsString() datasetSha256!: string;
  @IsOptional() @IsString() mlflowRunId?: string | null;
  @IsOptional() @IsString() mlflowVersion?: string | null;
  /** accuracy / macro-F1 per named test set, from the card. */
  @IsObject() metrics!: Record<string, { n: number; accuracy: number; macroF1: number }>;
  @IsString() createdBy!: string;
  @IsISO8601() createdAt!: string;
}

export class ModelVersionDetail extends ModelVersionSummary {
  @IsObject() files!: Record<string, { sha256: string; bytes: number }>;
  @IsObject() card!: Record<string, unknown>;
  @IsArray() evaluations!: EvaluationView[];
}

export class ListVersionsReply {
  @IsArray() versions!: ModelVersionSummary[];
}

export class RegisterVersionReply {
  @IsObject() version!: ModelVersionSummary;
  /** false when the same artifact was registered before: the existing version is returned. */
  @IsBoolean() created!: boolean;
}

export class DatasetView {
  @IsString() contentSha256!: string;
  @IsInt() rows!: number;
  @IsObject() splits!: Record<string, { rows: number; labels: Record<string, number> }>;
  @IsObject() source!: Record<string, unknown>;
  @IsOptional() @IsString() uri?: string | null;
  @IsOptional() @IsString() validationReportUri?: string | null;
  @IsISO8601() createdAt!: string;
}

export class TrainingRunView {
  @IsString() runId!: string;
  @IsOptional() @IsString() mlflowRunId?: string | null;
  @IsOptional() @IsString() jobId?: string | null;
  @IsString() codeCommit!: string;
  @IsBoolean() codeDirty!: boolean;
  @IsObject() params!: Record<string, unknown>;
  @IsObject() timings!: Record<string, unknown>;
  @IsISO8601() createdAt!: string;
}

export class AuditEventView {
  @IsString() id!: string;
  @IsString() actor!: string;
  @IsString() action!: string;
  @IsOptional() @IsString() reason?: string | null;
  @IsObject() details!: Record<string, unknown>;
  @IsISO8601() at!: string;
}

/** A version's ancestry: its data, its run and code, how it was judged and what it was judged against. */
export class VersionLineageReply {
  @IsObject() version!: ModelVersionSummary;
  @IsObject() dataset!: DatasetView;
  @IsObject() run!: TrainingRunView;
  @IsArray() evaluations!: EvaluationView[];
  /** Champion versions it was compared with by the promotion gate, newest first. */
  @IsArray() comparedWith!: { version: string; testSet: string; passed: boolean; at: string }[];
  @IsArray() history!: AuditEventView[];
}

/** A dataset's descendants: every version trained on it. */
export class DatasetLineageReply {
  @IsObject() dataset!: DatasetView;
  @IsArray() versions!: ModelVersionSummary[];
}

export class AliasView {
  @IsIn(MODEL_ALIASES) alias!: ModelAlias;
  @IsOptional() @IsModelVersion() version!: string | null;
  /** Bumped by every change; send it back as `expectedRevision` to change it safely. */
  @IsInt() @Min(0) revision!: number;
  @IsOptional() @IsString() updatedBy!: string | null;
  @IsOptional() @IsString() reason!: string | null;
  @IsOptional() @IsISO8601() updatedAt!: string | null;
}

export class ListAliasesReply {
  @IsArray() aliases!: AliasView[];
}

export class SetAliasReply {
  @IsObject() alias!: AliasView;
  @IsOptional() @IsModelVersion() previousVersion!: string | null;
  /** The gate's evaluation when a challenger was set. */
  @IsOptional() @IsObject() gate?: EvaluationView | null;
}

export class RecordEvaluationReply {
  @IsObject() evaluation!: EvaluationView;
}

export const registryContracts = {
  listVersions: defineRequest(
    RequestSubject.registry('versions.list'),
    ModelRequest,
    ListVersionsReply,
  ),
  getVersion: defineRequest(
    RequestSubject.registry('versions.get'),
    VersionRequest,
    ModelVersionDetail,
  ),
  versionLineage: defineRequest(
    RequestSubject.registry('versions.lineage'),
    VersionRequest,
    VersionLineageReply,
  ),
  registerVersion: defineRequest(
    RequestSubject.registry('versions.register'),
    RegisterVersionRequest,
    RegisterVersionReply,
  ),
  recordEvaluation: defineRequest(
    RequestSubject.registry('evaluations.record'),
    RecordEvaluationRequest,
    RecordEvaluationReply,
  ),
  datasetLineage: defineRequest(
    RequestSubject.registry('datasets.lineage'),
    DatasetRequest,
    DatasetLineageReply,
  ),
  listAliases: defineRequest(
    RequestSubject.registry('aliases.list'),
    ModelRequest,
    ListAliasesReply,
  ),
  setAlias: defineRequest(RequestSubject.registry('aliases.set'), SetAliasRequest, SetAliasReply),
} as const;
