import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { RegisterVersionRequest, SetAliasRequest } from '@sentimentops/contracts';

// The bodies are the registry's request contracts less what the path and the token supply, so
// HTTP checks a body exactly as the registry checks the message. The fields re-declared below
// only carry their OpenAPI description; their validation is the contract's.

/** `POST /api/models/{name}/versions`: the actor is the admin token's name. */
export class RegisterVersionBody extends OmitType(RegisterVersionRequest, [
  'modelName',
  'actor',
] as const) {
  @ApiProperty({
    description: 'The model directory (file:// or gs://) holding model-card.json and its files.',
    example: 'gs://sentimentops-models/sentiment/run-39899d09',
    maxLength: 1024,
  })
  override artifactUri!: string;

  @ApiPropertyOptional({ description: 'The training Job that produced it.', maxLength: 256 })
  override jobId?: string;

  @ApiPropertyOptional({
    description: "The data validation report of the dataset it was trained on.",
    maxLength: 1024,
  })
  override validationReportUri?: string;

  @ApiPropertyOptional({
    description: 'Where the dataset snapshot lives; its content hash comes from the model card.',
    maxLength: 1024,
  })
  override datasetUri?: string;
}

/**
 * `PUT /api/models/{name}/aliases/{alias}`. The actor is the admin token's name and the source is
 * always `admin`: only the platform's own components speak for the rollout flow.
 */
export class SetAliasBody extends OmitType(SetAliasRequest, [
  'modelName',
  'alias',
  'actor',
  'source',
] as const) {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '4',
    description: 'The version the alias should point at; null removes the alias.',
  })
  override version!: string | null;

  @ApiProperty({ minLength: 3, maxLength: 1000, example: 'v4 beats v3 on handwritten reviews' })
  override reason!: string;

  @ApiPropertyOptional({
    description: 'Moving champion outside the rollout flow is an override and must say so.',
  })
  override override?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    description: "The alias revision last read; if it has changed since, the answer is 409.",
  })
  override expectedRevision?: number;
}
