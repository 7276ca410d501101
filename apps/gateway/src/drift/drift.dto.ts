import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { DriftCheckRequest, IsModelName } from '@sentimentops/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** The model the drift routes mean when none is named. */
export const DEFAULT_DRIFT_MODEL = 'sentiment';

// The check body is the drift app's request contract less the actor (the admin token's name), so
// HTTP checks it exactly as the drift app checks the message; only modelName becomes optional.

/** `POST /api/drift/check`. */
export class DriftCheckBody extends OmitType(DriftCheckRequest, ['modelName', 'actor'] as const) {
  @ApiPropertyOptional({ default: DEFAULT_DRIFT_MODEL, example: 'sentiment' })
  @IsOptional()
  @IsModelName()
  modelName?: string;

  @ApiPropertyOptional({
    example: '3',
    description: 'The version whose traffic is checked; default the champion.',
  })
  override version?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 7 * 24 * 60,
    description: "The window ending now, in minutes; default the drift app's DRIFT_WINDOW_MINUTES.",
  })
  override windowMinutes?: number;
}

/** `GET /api/drift/reports?model=sentiment&limit=20`. */
export class DriftReportsQuery {
  @ApiPropertyOptional({ default: DEFAULT_DRIFT_MODEL })
  @IsOptional()
  @IsModelName()
  model?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 500,
    description: "Newest first; default the drift app's.",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

/** `GET /api/drift/reports/{id}?format=html`: the JSON reply with the rendered page in `html`. */
export class DriftReportQuery {
  @ApiPropertyOptional({
    enum: ['json', 'html'],
    description:
      'html: add the rendered page to the JSON reply as `html`. (A client that prefers ' +
      'text/html in Accept gets the page itself.)',
  })
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
}
