import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsModelVersion } from '../common.dto.js';
import { defineEvent } from '../contract.js';
import { EventSubject } from '../subjects.js';

export class DriftFeatureResult {
  @IsString() @MaxLength(64) feature!: string;
  @IsIn(['psi', 'ks', 'chi-square']) statistic!: 'psi' | 'ks' | 'chi-square';
  @IsNumber() value!: number;
  @IsOptional() @IsNumber() pValue?: number;
}

/** A window of production traffic no longer looks like the model's reference profile. */
export class DriftDetectedV1 {
  @IsUUID() reportId!: string;
  @IsString() @MaxLength(64) modelName!: string;
  @IsModelVersion() modelVersion!: string;
  @IsIn(['warn', 'alert']) severity!: 'warn' | 'alert';
  @IsISO8601() windowStart!: string;
  @IsISO8601() windowEnd!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => DriftFeatureResult)
  features!: DriftFeatureResult[];

  @IsISO8601() occurredAt!: string;
}

export const DriftDetected = defineEvent(EventSubject.DriftDetected, DriftDetectedV1);
