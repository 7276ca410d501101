import { Controller, type Type } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  modelStatusContract,
  predictContract,
  PredictRequest,
  type ModelStatusReply,
  type PredictReply,
  type Track,
} from '@sentimentops/contracts';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';
import { InferenceMetric } from '../inference.metrics.js';
import { PredictionLog } from '../logging/prediction-log.js';
import { ModelSlots } from './model-slots.js';

/**
 * Serves one track's subjects. A process subscribes only to the tracks it serves (a queue group
 * per subject), so the controller class is made per track and the module lists the ones it needs.
 */
export function predictController(track: Track): Type<unknown> {
  @Controller()
  class PredictController {
    constructor(
      private readonly slots: ModelSlots,
      private readonly log: PredictionLog,
      @InjectMetric(InferenceMetric.texts) private readonly texts: Counter<string>,
      @InjectMetric(InferenceMetric.score) private readonly score: Histogram<string>,
    ) {}

    @MessagePattern(predictContract(track).subject)
    async predict(@Payload() request: PredictRequest): Promise<PredictReply> {
      const model = this.slots.serving(track);
      const started = performance.now();
      const predictions = await model.predict(request.texts);
      const latencyMs = performance.now() - started;
      this.log.record({ track, model, texts: request.texts, predictions, latencyMs });
      const version = model.ref.version;
      for (const p of predictions) {
        this.texts.inc({ track, model_version: version, truncated: String(p.truncated) });
        this.score.observe({ label: p.label, model_version: version }, p.score);
      }
      return { predictions, model: model.ref };
    }

    @MessagePattern(modelStatusContract(track).subject)
    status(): ModelStatusReply {
      const model = this.slots.serving(track);
      return {
        model: model.ref,
        ready: true,
        maxLength: model.artifact.card.max_length,
        labels: model.labels,
        sha256: model.artifact.onnxSha256,
      };
    }
  }
  Object.defineProperty(PredictController, 'name', { value: `PredictController_${track}` });
  return PredictController;
}
