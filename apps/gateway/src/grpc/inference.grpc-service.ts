import { type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import {
  decodeGrpcInferRequest,
  encodeGrpcInferResponse,
  type GrpcModelInferRequest,
  usesRawContents,
} from '../oip/grpc-infer.codec.js';
import { OipService } from '../oip/oip.service.js';
import { inferRequestTexts, RateLimiter } from '../rate-limit/rate-limiter.js';
import { routingKeyMetadata, unaryHandler } from './unary-handler.js';

interface ModelRequest {
  name: string;
  /** Empty when not given (proto3): the served version is meant. */
  version: string;
}

/** inference.GRPCInferenceService: OIP v2 over gRPC, answered by the same OipService as REST. */
@Injectable()
export class InferenceGrpcService {
  private readonly logger = new Logger('GRPCInferenceService');

  constructor(
    private readonly oip: OipService,
    private readonly rateLimit: RateLimiter,
  ) {}

  implementation(): UntypedServiceImplementation {
    const unary = <Req, Res>(
      handle: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
    ) => unaryHandler<Req, Res>(this.logger, handle);
    return {
      ServerLive: unary(() => ({ live: true })),
      ServerReady: unary(async () => ({ ready: await this.oip.serverReady() })),
      ServerMetadata: unary(() => this.oip.serverMetadata()),
      ModelReady: unary(async ({ name, version }: ModelRequest) => ({
        ready: await this.oip.modelReady(name, version || undefined),
      })),
      ModelMetadata: unary(({ name, version }: ModelRequest) =>
        this.oip.modelMetadata(name, version || undefined),
      ),
      ModelInfer: unary(async (request: GrpcModelInferRequest, call) => {
        const decoded = decodeGrpcInferRequest(request);
        this.rateLimit.admitGrpc(call, inferRequestTexts(decoded), 'grpc ModelInfer');
        const result = await this.oip.infer(
          request.model_name,
          request.model_version || undefined,
          decoded,
          { route: 'grpc ModelInfer', routingKey: routingKeyMetadata(call.metadata) },
        );
        return encodeGrpcInferResponse(result, usesRawContents(request));
      }),
    };
  }
}
