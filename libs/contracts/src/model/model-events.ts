import {
  IsIn,
  IsInt,
  IsISO8601,
  Min,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { IsModelVersion, MODEL_ALIASES, type ModelAlias } from '../common.dto.js';
import { defineEvent } from '../contract.js';
import { EventSubject } from '../subjects.js';

/** A new model version exists in the registry (not yet serving). */
export class ModelRegisteredV1 {
  @IsString() @MaxLength(64) modelName!: string;
  @IsModelVersion() version!: string;
  @IsString() @MaxLength(1024) artifactUri!: string;
  @IsISO8601() occurredAt!: string;
}

/** An alias now points at another version (or nowhere): gateway re-routes, inference hot-swaps. */
export class ModelAliasChangedV1 {
  @IsString() @MaxLength(64) modelName!: string;
  @IsIn(MODEL_ALIASES) alias!: ModelAlias;

  /** null when the alias was removed. */
  @ValidateIf((o: ModelAliasChangedV1) => o.version !== null)
  @IsModelVersion()
  version!: string | null;

  @IsOptional() @IsModelVersion() previousVersion?: string;
  /** The alias's revision after this change: consumers can drop a change older than one seen. */
  @IsOptional() @IsInt() @Min(1) revision?: number;
  @ValidateIf((o: ModelAliasChangedV1) => o.version !== null)
  @IsString()
  @MaxLength(1024)
  artifactUri?: string;

  @IsString() @MaxLength(64) actor!: string;
  @IsOptional() @IsString() @MaxLength(1000) reason?: string;
  @IsISO8601() occurredAt!: string;
}

export const ModelRegistered = defineEvent(EventSubject.ModelRegistered, ModelRegisteredV1);
export const ModelAliasChanged = defineEvent(EventSubject.ModelAliasChanged, ModelAliasChangedV1);
