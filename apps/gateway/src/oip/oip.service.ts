import { Injectable } from '@nestjs/common';
import { ServiceException } from '@sentimentops/contracts';
import { AppInfoService, readBuildInfo } from '@sentimentops/service-kit';
import { GatewayConfig } from '../gateway.config.js';
import { type PredictOptions, SentimentPredictor } from '../predict/sentiment-predictor.js';
import { type InferRequest, type InferResult } from './oip-infer.types.js';
import {
  type ModelMetadata,
  modelMetadata,
  OIP_EXTENSIONS,
  OIP_MODEL_NAME,
  OIP_SERVER_NAME,
  type ServerMetadata,
} from './oip.model.js';
import { notFound } from './oip.errors.js';
import { outputTensors, selectOutputs } from './output-tensors.js';
import { textsFromInputs } from './text-input.js';

/**
 * The Open Inference Protocol v2, once for both transports: the REST controller and the gRPC
 * GRPCInferenceService decode their requests and call these methods. Failures are
 * ServiceExceptions, which each transport maps to its own status.
 */
@Injectable()
export class OipService {
  private readonly version: string;

  constructor(
    private readonly predictor: SentimentPredictor,
    private readonly config: GatewayConfig,
    private readonly appInfo: AppInfoService,
  ) {
    this.version = readBuildInfo(config.GIT_COMMIT).version;
  }

  serverMetadata(): ServerMetadata {
    return { name: OIP_SERVER_NAME, version: this.version, extensions: [...OIP_EXTENSIONS] };
  }

  /** Ready to infer: the gateway's own checks (NATS, not draining) and a model that answers. */
  async serverReady(): Promise<boolean> {
    const [info, model] = await Promise.all([this.appInfo.info(), this.servedModel()]);
    return info.ready && model?.ready === true;
  }

  /** Not ready (false) when no model answers; an unknown name or version is NOT_FOUND. */
  async modelReady(name: string, version?: string): Promise<boolean> {
    checkName(name);
    const model = await this.servedModel();
    if (model && version !== undefined) checkVersion(version, model.version);
    return model?.ready === true;
  }

  async modelMetadata(name: string, version?: string): Promise<ModelMetadata> {
    checkName(name);
    const status = await this.predictor.modelStatus();
    if (version !== undefined) checkVersion(version, status.model.version);
    return modelMetadata(status.model.version);
  }

  /** `options`: the front door (metrics) and the caller's routing key, as the predictor takes them. */
  async infer(
    name: string,
    version: string | undefined,
    request: InferRequest,
    options: PredictOptions,
  ): Promise<InferResult> {
    checkName(name);
    const texts = textsFromInputs(request.inputs, this.config.GATEWAY_MAX_BATCH);
    const outputs = selectOutputs(request);
    const reply = await this.predictor.predict(texts, options);
    // Checked on the answer rather than before it: a hot swap between a check and the prediction
    // could otherwise answer from another version than the one asked for.
    if (version !== undefined) checkVersion(version, reply.model.version);
    return {
      ...(request.id !== undefined ? { id: request.id } : {}),
      modelName: OIP_MODEL_NAME,
      modelVersion: reply.model.version,
      outputs: outputTensors(reply.predictions, outputs),
    };
  }

  /** The served model, or undefined when none answers (no replica, timeout, bus down). */
  private async servedModel() {
    try {
      const status = await this.predictor.modelStatus();
      return { ready: status.ready, version: status.model.version };
    } catch (err) {
      if (err instanceof ServiceException) return undefined;
      throw err;
    }
  }
}

function checkName(name: string) {
  if (name !== OIP_MODEL_NAME)
    throw notFound(`unknown model '${name}': this server serves '${OIP_MODEL_NAME}'`);
}

function checkVersion(asked: string, served: string) {
  if (asked !== served) {
    throw notFound(
      `model '${OIP_MODEL_NAME}' version '${asked}' is not served; the served version is '${served}'`,
    );
  }
}
