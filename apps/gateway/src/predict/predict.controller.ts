import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { GatewayConfig } from '../gateway.config.js';
import {
  BatchPredictionDto,
  PredictBody,
  type PredictionDto,
  SinglePredictionDto,
} from './predict.dto.js';
import { SentimentPredictor } from './sentiment-predictor.js';

@ApiTags('predict')
@ApiExtraModels(SinglePredictionDto, BatchPredictionDto)
@Controller()
export class PredictController {
  constructor(
    private readonly predictor: SentimentPredictor,
    private readonly config: GatewayConfig,
  ) {}

  @Post('predict')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sentiment of one text or of a batch' })
  @ApiBody({ type: PredictBody })
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SinglePredictionDto) },
        { $ref: getSchemaPath(BatchPredictionDto) },
      ],
    },
  })
  async predict(@Body() body: PredictBody): Promise<SinglePredictionDto | BatchPredictionDto> {
    if (body.text !== undefined && body.texts !== undefined) {
      throw new ServiceException(ErrorCode.InvalidArgument, 'invalid request', [
        'texts: give either text or texts, not both',
      ]);
    }
    const texts = body.texts ?? [body.text!];
    if (texts.length > this.config.GATEWAY_MAX_BATCH) {
      throw new ServiceException(ErrorCode.InvalidArgument, 'batch too large', [
        `texts: at most ${this.config.GATEWAY_MAX_BATCH} texts per request (got ${texts.length})`,
      ]);
    }
    const reply = await this.predictor.predict(texts, { route: '/predict' });
    const predictions: PredictionDto[] = reply.predictions;
    if (body.texts) return { predictions, model: reply.model };
    return { ...predictions[0], model: reply.model };
  }
}
