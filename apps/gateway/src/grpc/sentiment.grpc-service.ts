import { type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import { type PredictReply } from '@sentimentops/contracts';
import { GatewayConfig } from '../gateway.config.js';
import { invalidArgument } from '../oip/oip.errors.js';
import { checkTexts } from '../oip/text-input.js';
import { SentimentPredictor } from '../predict/sentiment-predictor.js';
import { RateLimiter } from '../rate-limit/rate-limiter.js';
import { routingKeyMetadata, unaryHandler } from './unary-handler.js';

/** sentimentops.v1.PredictRequest as proto-loader gives it (`optional text` sets the `_text` oneof). */
interface PredictRequest {
  text?: string;
  _text?: 'text';
  texts: string[];
}

/**
 * sentimentops.v1.SentimentService: the prediction REST `POST /predict` makes, with the same
 * bounds (no empty texts, at most GATEWAY_MAX_BATCH), through the same SentimentPredictor; the
 * reply is PredictReply as proto messages.
 */
@Injectable()
export class SentimentGrpcService {
  private readonly logger = new Logger('SentimentService');

  constructor(
    private readonly predictor: SentimentPredictor,
    private readonly config: GatewayConfig,
    private readonly rateLimit: RateLimiter,
  ) {}

  implementation(): UntypedServiceImplementation {
    return {
      Predict: unaryHandler(this.logger, (request: PredictRequest, call) =>
        this.predict(request, call),
      ),
    };
  }

  private async predict(
    request: PredictRequest,
    call: ServerUnaryCall<PredictRequest, unknown>,
  ): Promise<PredictReply> {
    const hasText = request._text === 'text' || typeof request.text === 'string';
    const texts = request.texts ?? [];
    if (hasText && texts.length > 0) throw invalidArgument('give either text or texts, not both');
    if (!hasText && texts.length === 0) throw invalidArgument('text or texts is required');
    if (hasText && !request.text) throw invalidArgument('text is empty');
    const batch = hasText
      ? checkTexts([request.text!], 'text', 1)
      : checkTexts(texts, 'texts', this.config.GATEWAY_MAX_BATCH, { allowEmpty: false });
    this.rateLimit.admitGrpc(call, batch.length, 'grpc Predict');
    const { predictions, model } = await this.predictor.predict(batch, {
      route: 'grpc Predict',
      routingKey: routingKeyMetadata(call.metadata),
    });
    return { predictions, model };
  }
}
