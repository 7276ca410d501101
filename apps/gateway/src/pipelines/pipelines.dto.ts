import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { PipelineActionRequest, StartPipelineRequest } from '@sentimentops/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

// The bodies are the trainer-controller's request contracts less what the route and the token
// supply, so HTTP checks a body exactly as the controller checks the message. The fields
// re-declared below only carry their OpenAPI description; their validation is the contract's.

/** `POST /api/pipelines`: the trigger is always `manual`, the actor the admin token's name. */
export class StartPipelineBody extends OmitType(StartPipelineRequest, [
  'trigger',
  'actor',
] as const) {
  @ApiProperty({
    minLength: 3,
    maxLength: 1000,
    example: 'two weeks of new feedback on product reviews',
    description: 'Why the model should be retrained; recorded with the run (or the joined one).',
  })
  override reason!: string;
}

/** `POST /api/pipelines/{id}/cancel` and `/retry`. */
export class PipelineActionBody extends OmitType(PipelineActionRequest, ['id', 'actor'] as const) {
  @ApiPropertyOptional({ maxLength: 1000, description: 'Recorded with the run.' })
  override reason?: string;
}

/** `GET /api/pipelines?limit=20`. */
export class ListPipelinesQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 500,
    description: "Newest first; default the trainer-controller's (20).",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
