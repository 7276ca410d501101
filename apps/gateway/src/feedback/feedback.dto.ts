import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsSentimentLabel,
  MAX_TEXT_CHARS,
  SENTIMENT_LABELS,
  type SentimentLabel,
} from '@sentimentops/contracts';
import {
  IsDefined,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

/**
 * Fails when the other field is given too: a feedback is about a served prediction or about a new
 * text, never both (feedback.received.v1 carries exactly one of them).
 */
const NotWith = (other: keyof FeedbackBody) =>
  ValidateBy({
    name: 'notWith',
    constraints: [other],
    validator: {
      validate: (_: unknown, args) => (args?.object as FeedbackBody)[other] === undefined,
      defaultMessage: (args) => `give either ${other} or ${args?.property}, not both`,
    },
  });

/**
 * `POST /feedback`: the true label of a served prediction (`predictionId`, the `id` of a
 * /predict answer), or of a new text (labelled data for retraining). Exactly one of the two.
 */
export class FeedbackBody {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The `id` of a prediction this gateway served.',
  })
  @ValidateIf((b: FeedbackBody) => b.text === undefined || b.predictionId !== undefined)
  @IsDefined({ message: 'predictionId or text is required' })
  @IsUUID()
  predictionId?: string;

  @ApiPropertyOptional({
    maxLength: MAX_TEXT_CHARS,
    description: 'A text that was not predicted here, with its label: new labelled data.',
    example: 'The plot dragged, but the ending made up for it.',
  })
  @ValidateIf((b: FeedbackBody) => b.predictionId === undefined || b.text !== undefined)
  @IsDefined({ message: 'predictionId or text is required' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_TEXT_CHARS)
  @NotWith('predictionId')
  text?: string;

  @ApiProperty({ enum: SENTIMENT_LABELS, description: 'The true label.' })
  @IsSentimentLabel({ message: `label must be one of ${SENTIMENT_LABELS.join(', ')}` })
  label!: SentimentLabel;
}

export class FeedbackAcceptedDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The id of feedback.received.v1: the feedback is stored durably under it.',
  })
  feedbackId!: string;
}
