import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APP_NAMES, type AppName, type CheckStatus } from '@sentimentops/contracts';

/** One app as the gateway saw it: its `info` reply, or why there was none. */
export class PlatformAppDto {
  @ApiProperty({ enum: APP_NAMES }) app!: AppName;
  @ApiProperty() reachable!: boolean;
  @ApiPropertyOptional() version?: string;
  @ApiPropertyOptional() commit?: string;
  @ApiPropertyOptional() instanceId?: string;
  @ApiPropertyOptional() startedAt?: string;
  @ApiPropertyOptional() uptimeSeconds?: number;
  @ApiPropertyOptional() ready?: boolean;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['up', 'down'] },
  })
  checks?: Record<string, CheckStatus>;
  @ApiPropertyOptional() error?: string;
}

export class PlatformAppsDto {
  @ApiProperty({ type: [PlatformAppDto] }) apps!: PlatformAppDto[];
}
