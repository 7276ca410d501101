import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  IsModelName,
  ROLLOUT_MODES,
  RolloutActionRequest,
  type RolloutMode,
  StartRolloutRequest,
} from '@sentimentops/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { SERVED_MODEL_NAME } from '../predict/sentiment-predictor.js';

// The bodies are the trainer-controller's request contracts less the actor (the admin token's
// name), so HTTP checks a body exactly as the controller checks the message. The fields
// re-declared below only carry their OpenAPI description; their validation is the contract's.

/** `POST /api/rollouts`. */
export class StartRolloutBody extends OmitType(StartRolloutRequest, ['actor'] as const) {
  @ApiPropertyOptional({ default: SERVED_MODEL_NAME, example: 'sentiment' })
  override modelName?: string;

  @ApiProperty({
    example: '4',
    description: "The version to roll out: it must be the model's challenger.",
  })
  override version!: string;

  @ApiPropertyOptional({
    type: [Number],
    example: [5, 25, 50, 100],
    description:
      'Percents of traffic the challenger answers, step by step: increasing, the last 100. ' +
      "Default the trainer-controller's ROLLOUT_STEPS.",
  })
  override steps?: number[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 86_400,
    example: 60,
    description:
      'Seconds between analyses; each passing one moves to the next step. ' +
      "Default the trainer-controller's.",
  })
  override intervalSeconds?: number;

  @ApiPropertyOptional({
    enum: ROLLOUT_MODES,
    default: 'canary',
    description:
      'canary: the challenger answers a share of the batches. shadow: clients see only the ' +
      'champion; the challenger scores a copy of every batch.',
  })
  override mode?: RolloutMode;

  @ApiPropertyOptional({
    description:
      'Route by a hash of the x-sentimentops-routing-key header (gRPC metadata), so one ' +
      'caller stays on one track; callers without one are routed by chance.',
  })
  override sticky?: boolean;

  @ApiPropertyOptional({ minLength: 3, maxLength: 1000, description: 'Recorded with the rollout.' })
  override reason?: string;
}

/** `POST /api/rollouts/current/{pause,resume,promote,rollback}`. */
export class RolloutActionBody extends OmitType(RolloutActionRequest, ['actor'] as const) {
  @ApiPropertyOptional({ default: SERVED_MODEL_NAME, example: 'sentiment' })
  override modelName?: string;

  @ApiPropertyOptional({ maxLength: 1000, description: 'Recorded with the rollout.' })
  override reason?: string;
}

/** `GET /api/rollouts/current?model=sentiment`. */
export class CurrentRolloutQuery {
  @ApiPropertyOptional({ default: SERVED_MODEL_NAME })
  @IsOptional()
  @IsModelName()
  model?: string;
}

/** `GET /api/rollouts?model=sentiment&limit=20`. */
export class ListRolloutsQuery extends CurrentRolloutQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 500,
    description: "Newest first; default the trainer-controller's.",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
