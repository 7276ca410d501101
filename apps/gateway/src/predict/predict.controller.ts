import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import type { Request, Response } from 'express';
import { GatewayConfig } from '../gateway.config.js';
import { RateLimiter } from '../rate-limit/rate-limiter.js';
import {
  BatchPredictionDto,
  PredictBody,
  type PredictionDto,
  SinglePredictionDto,
} from './predict.dto.js';
import { ROUTING_KEY_HEADER, routingKeyOf, SentimentPredictor } from './sentiment-predictor.js';

@ApiTags('predict')
@ApiExtraModels(SinglePredictionDto, BatchPredictionDto)
@Controller()
export class PredictController {
  constructor(
    private readonly predictor: SentimentPredictor,
    private readonly config: GatewayConfig,
    private readonly rateLimit: RateLimiter,
  ) {}

  @Post('predict')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sentiment of one text or of a batch' })
  @ApiBody({ type: PredictBody })
  @ApiHeader({
    name: ROUTING_KEY_HEADER,
    required: false,
    description:
      'Keeps one caller (a user, a session) on one model during a sticky canary rollout; ' +
      'without it each batch is routed by chance',
  })
  @ApiOkResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SinglePredictionDto) },
        { $ref: getSchemaPath(BatchPredictionDto) },
      ],
    },
  })
  async predict(
    @Body() body: PredictBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Headers(ROUTING_KEY_HEADER) routingKey?: string,
  ): Promise<SinglePredictionDto | BatchPredictionDto> {
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
    this.rateLimit.admitHttp(request, response, texts.length, '/predict');
    const reply = await this.predictor.predict(texts, {
      route: '/predict',
      routingKey: routingKeyOf(routingKey),
    });
    const predictions: PredictionDto[] = reply.predictions;
    if (body.texts) return { predictions, model: reply.model };
    return { ...predictions[0], model: reply.model };
  }
}
