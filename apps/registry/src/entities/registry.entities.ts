import type { ModelAlias, ModelVersionStatus } from '@sentimentops/contracts';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

/**
 * The registry's tables (the migrations in ../migrations create them; TypeORM never synchronises).
 * Column names are snake_case in SQL and camelCase here.
 */

@Entity({ name: 'registered_model' })
export class RegisteredModel {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar', length: 64, unique: true }) name!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** A dataset snapshot, identified by the hash of its content (the training manifest's). */
@Entity({ name: 'dataset_version' })
export class DatasetVersion {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'content_sha256', type: 'char', length: 64, unique: true })
  contentSha256!: string;
  @Column({ type: 'int' }) rows!: number;
  @Column({ type: 'jsonb' }) splits!: Record<
    string,
    { rows: number; labels: Record<string, number> }
  >;
  @Column({ type: 'jsonb' }) source!: Record<string, unknown>;
  @Column({ type: 'varchar', length: 1024, nullable: true }) uri!: string | null;
  @Column({ name: 'validation_report_uri', type: 'varchar', length: 1024, nullable: true })
  validationReportUri!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** One training run: what ran (params, code), where (job, MLflow run) and how long it took. */
@Entity({ name: 'training_run' })
export class TrainingRun {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'run_id', type: 'varchar', length: 128, unique: true }) runId!: string;
  @Column({ name: 'mlflow_run_id', type: 'varchar', length: 64, nullable: true })
  mlflowRunId!: string | null;
  @Column({ name: 'job_id', type: 'varchar', length: 256, nullable: true }) jobId!: string | null;
  @Column({ name: 'code_commit', type: 'varchar', length: 40 }) codeCommit!: string;
  @Column({ name: 'code_dirty', type: 'boolean' }) codeDirty!: boolean;
  @Column({ type: 'jsonb' }) params!: Record<string, unknown>;
  @Column({ type: 'jsonb' }) timings!: Record<string, unknown>;
  @Column({ name: 'dataset_id', type: 'int' }) datasetId!: number;
  @ManyToOne(() => DatasetVersion)
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetVersion;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export interface TestSetScores {
  n: number;
  accuracy: number;
  macroF1: number;
}

@Entity({ name: 'model_version' })
export class ModelVersion {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'model_id', type: 'int' }) modelId!: number;
  @ManyToOne(() => RegisteredModel)
  @JoinColumn({ name: 'model_id' })
  model?: RegisteredModel;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'varchar', length: 16 }) status!: ModelVersionStatus;
  @Column({ name: 'artifact_uri', type: 'varchar', length: 1024 }) artifactUri!: string;
  @Column({ type: 'varchar', length: 32 }) format!: string;
  /** sha256 of the card, which lists every other file's sha256: the version's content identity. */
  @Column({ name: 'content_sha256', type: 'char', length: 64 }) contentSha256!: string;
  @Column({ type: 'jsonb' }) files!: Record<string, FileDigest>;
  @Column({ type: 'jsonb' }) metrics!: Record<string, TestSetScores>;
  @Column({ type: 'jsonb' }) card!: Record<string, unknown>;
  @Column({ name: 'dataset_id', type: 'int' }) datasetId!: number;
  @ManyToOne(() => DatasetVersion)
  @JoinColumn({ name: 'dataset_id' })
  dataset?: DatasetVersion;
  @Column({ name: 'run_id', type: 'int' }) runId!: number;
  @ManyToOne(() => TrainingRun)
  @JoinColumn({ name: 'run_id' })
  run?: TrainingRun;
  @Column({ name: 'mlflow_version', type: 'varchar', length: 16, nullable: true })
  mlflowVersion!: string | null;
  @Column({ name: 'created_by', type: 'varchar', length: 64 }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

export type EvaluationKind = 'card' | 'pipeline' | 'promotion-gate';

@Entity({ name: 'evaluation' })
export class Evaluation {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'model_version_id', type: 'int' }) modelVersionId!: number;
  @Column({ type: 'varchar', length: 16 }) kind!: EvaluationKind;
  @Column({ name: 'test_set', type: 'varchar', length: 64 }) testSet!: string;
  @Column({ name: 'test_set_sha256', type: 'char', length: 64 }) testSetSha256!: string;
  @Column({ type: 'jsonb' }) metrics!: TestSetScores & { extra?: Record<string, unknown> };
  @Column({ type: 'jsonb', nullable: true }) baseline!: Record<string, unknown> | null;
  @Column({ name: 'compared_with_version_id', type: 'int', nullable: true })
  comparedWithVersionId!: number | null;
  @Column({ type: 'boolean', nullable: true }) passed!: boolean | null;
  @Column({ type: 'jsonb' }) reasons!: string[];
  @Column({ name: 'created_by', type: 'varchar', length: 64 }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity({ name: 'model_alias' })
export class ModelAliasRow {
  @PrimaryColumn({ name: 'model_id', type: 'int' }) modelId!: number;
  @PrimaryColumn({ type: 'varchar', length: 16 }) alias!: ModelAlias;
  @Column({ name: 'model_version_id', type: 'int', nullable: true }) modelVersionId!: number | null;
  @Column({ type: 'int' }) revision!: number;
  @Column({ name: 'updated_by', type: 'varchar', length: 64, nullable: true })
  updatedBy!: string | null;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ name: 'updated_at', type: 'timestamptz', nullable: true }) updatedAt!: Date | null;
}

/** Who did what to which model, and why: every registration, alias change and gate decision. */
@Entity({ name: 'audit_event' })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'model_id', type: 'int', nullable: true }) modelId!: number | null;
  @Column({ name: 'model_version_id', type: 'int', nullable: true })
  modelVersionId!: number | null;
  @Column({ type: 'varchar', length: 64 }) actor!: string;
  @Column({ type: 'varchar', length: 64 }) action!: string;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
  @CreateDateColumn({ name: 'at', type: 'timestamptz' }) at!: Date;
}

export const REGISTRY_ENTITIES = [
  RegisteredModel,
  DatasetVersion,
  TrainingRun,
  ModelVersion,
  Evaluation,
  ModelAliasRow,
  AuditEvent,
];
