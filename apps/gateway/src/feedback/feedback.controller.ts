import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { FeedbackAcceptedDto, FeedbackBody } from './feedback.dto.js';
import { FeedbackService } from './feedback.service.js';

/** Public, like /predict: whoever saw a prediction can say what the right answer was. */
@ApiTags('feedback')
@Controller()
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Post('feedback')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'The true label of a served prediction, or of a new text',
    description:
      'Give `predictionId` (the `id` of a /predict answer) or `text`, not both. Answered once ' +
      'the feedback is stored durably; it then measures live accuracy and feeds retraining.',
  })
  @ApiBody({ type: FeedbackBody })
  @ApiAcceptedResponse({ type: FeedbackAcceptedDto })
  @ApiBadRequestResponse({
    description: 'Invalid body (both or neither of predictionId/text, ...)',
  })
  @ApiServiceUnavailableResponse({ description: 'Not stored (message bus away): send it again' })
  record(@Body() body: FeedbackBody): Promise<FeedbackAcceptedDto> {
    return this.feedback.record(body);
  }
}
