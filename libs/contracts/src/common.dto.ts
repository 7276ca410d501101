import { IsIn, IsString, Matches, MaxLength, type ValidationOptions } from 'class-validator';

export const SENTIMENT_LABELS = ['negative', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export const MODEL_ALIASES = ['champion', 'challenger', 'previous'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

/** The bound on one text anywhere in the platform (characters): inputs are bounded in size. */
export const MAX_TEXT_CHARS = 20_000;

export const IsSentimentLabel = (options?: ValidationOptions) => IsIn(SENTIMENT_LABELS, options);

/** A model version is a positive decimal integer, carried as a string (as MLflow does). */
export const IsModelVersion = () =>
  Matches(/^[1-9][0-9]{0,9}$/, { message: 'must be a model version such as "3"' });

export class ModelRef {
  @IsString()
  @MaxLength(64)
  name!: string;

  @IsModelVersion()
  version!: string;
}
