import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsModelVersion } from '../common.dto.js';
import { defineRequest } from '../contract.js';
import { IsActor, IsModelName } from '../registry/registry.dto.js';
import { RequestSubject } from '../subjects.js';

export const DRIFT_STATUSES = ['drift', 'no-drift', 'insufficient-data'] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/** Run a drift check now, over the window ending now. */
export class DriftCheckRequest {
  @IsModelName() modelName!: string;
  /** The version whose traffic is checked; default the champion. */
  @IsOptional() @IsModelVersion() version?: string;
  /** Default DRIFT_WINDOW_MINUTES. */
  @IsOptional() @IsInt() @Min(1) @Max(7 * 24 * 60) windowMinutes?: number;
  @IsActor() actor!: string;
}

export class DriftReportRequest {
  @IsUUID() id!: string;
  /** `html` adds the rendered report (histograms and the statistics table). */
  @IsOptional() @IsIn(['json', 'html']) format?: 'json' | 'html';
}

export class DriftReportsRequest {
  @IsModelName() modelName!: string;
  @IsOptional() @IsInt() @Min(1) @Max(500) limit?: number;
}

/** One feature's numbers in a report (names as the API has always shown them: snake_case). */
export class DriftFeatureView {
  @IsString() name!: string;
  @IsIn(['numeric', 'categorical']) kind!: 'numeric' | 'categorical';
  /** null when the window has no values of the feature. */
  @IsOptional() @IsNumber() psi!: number | null;
  /** Two-sample Kolmogorov–Smirnov (numeric features); null for categorical ones. */
  @IsOptional() @IsNumber() ks_statistic!: number | null;
  @IsOptional() @IsNumber() ks_pvalue!: number | null;
  @IsOptional() @IsString() ks_method!: string | null;
  /** Chi-square goodness of fit against the reference shares (categorical features). */
  @IsOptional() @IsNumber() chi2_statistic!: number | null;
  @IsOptional() @IsNumber() chi2_pvalue!: number | null;
  /** Holm-adjusted p-value across the report's features. */
  @IsOptional() @IsNumber() p_adjusted!: number | null;
  @IsIn([true, false]) drifting!: boolean;
}

export class LiveQualityView {
  /** Predictions of the window with a feedback label, and the accuracy measured on them. */
  @IsInt() labelled!: number;
  @IsOptional() @IsNumber() accuracy!: number | null;
  /** Accuracy expected from the model's confidence, without labels (CBPE). */
  @IsOptional() @IsNumber() estimatedAccuracy!: number | null;
}

export class DriftReportView {
  @IsUUID() id!: string;
  @IsIn(DRIFT_STATUSES) status!: DriftStatus;
  @IsOptional() @IsIn(['warn', 'alert']) severity!: 'warn' | 'alert' | null;
  @IsString() modelName!: string;
  @IsModelVersion() modelVersion!: string;
  @IsISO8601() windowStart!: string;
  @IsISO8601() windowEnd!: string;
  /** Logged predictions in the window; and the minimum a verdict needs. */
  @IsInt() n!: number;
  @IsInt() minSamples!: number;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DriftFeatureView)
  features!: DriftFeatureView[];
  @ValidateNested() @Type(() => LiveQualityView) quality!: LiveQualityView;
  @IsIn(['schedule', 'manual']) trigger!: 'schedule' | 'manual';
  @IsString() requestedBy!: string;
  @IsISO8601() createdAt!: string;
}

export class DriftReportReply {
  @ValidateNested() @Type(() => DriftReportView) report!: DriftReportView;
  /** Reference vs current per feature, for the report's histograms. */
  @IsObject() bins!: Record<string, unknown>;
  @IsOptional() @IsString() html?: string;
}

export class DriftReportsReply {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DriftReportView)
  reports!: DriftReportView[];
}

/**
 * Live accuracy per model version: the logged predictions of each version whose feedback label
 * arrived in [since, until) (default until now), and the share the model got right. The rollout
 * analysis compares the challenger with the champion by it.
 */
export class LiveQualityRequest {
  @IsModelName() modelName!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(/^[1-9][0-9]{0,9}$/, { each: true, message: 'must be model versions such as "3"' })
  versions!: string[];
  @IsISO8601() since!: string;
  @IsOptional() @IsISO8601() until?: string;
}

export class VersionQualityView {
  @IsModelVersion() version!: string;
  @IsInt() @Min(0) labelled!: number;
  @IsOptional() @IsNumber() accuracy!: number | null;
}

export class LiveQualityReply {
  /** One per requested version, in the order asked (labelled 0, accuracy null without feedback). */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => VersionQualityView)
  versions!: VersionQualityView[];
}

export const driftContracts = {
  check: defineRequest(RequestSubject.drift('check'), DriftCheckRequest, DriftReportView),
  report: defineRequest(RequestSubject.drift('reports.get'), DriftReportRequest, DriftReportReply),
  reports: defineRequest(
    RequestSubject.drift('reports.list'),
    DriftReportsRequest,
    DriftReportsReply,
  ),
  quality: defineRequest(RequestSubject.drift('quality'), LiveQualityRequest, LiveQualityReply),
} as const;
