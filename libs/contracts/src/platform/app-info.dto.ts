import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsObject,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';
import { defineRequest } from '../contract.js';
import { APP_NAMES, type AppName, RequestSubject } from '../subjects.js';

/** Asks one app who it is; the gateway fans this out for `sentimentops status|info`. */
export class AppInfoRequest {}

export type CheckStatus = 'up' | 'down';

export class AppInfo {
  @IsIn(APP_NAMES)
  app!: AppName;

  @IsString()
  @MaxLength(64)
  version!: string;

  @IsString()
  @MaxLength(64)
  commit!: string;

  @IsString()
  @MaxLength(128)
  instanceId!: string;

  @IsISO8601()
  startedAt!: string;

  @IsNumber()
  @Min(0)
  uptimeSeconds!: number;

  @IsBoolean()
  ready!: boolean;

  /** Each readiness check by name (nats, database, model, ...). */
  @IsObject()
  checks!: Record<string, CheckStatus>;
}

export const appInfoContract = (app: AppName) =>
  defineRequest(RequestSubject.platformInfo(app), AppInfoRequest, AppInfo);
