import { type UntypedServiceImplementation } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { OipService } from '../oip/oip.service.js';
import { unaryHandler } from './unary-handler.js';

/** The services a health check may name; "" is the server as a whole. */
export const HEALTH_CHECKED_SERVICES = [
  '',
  'inference.GRPCInferenceService',
  'sentimentops.v1.SentimentService',
];

/**
 * grpc.health.v1.Health/Check, for Kubernetes' gRPC probes: SERVING when the server is ready to
 * infer (as OIP ServerReady says). Watch is not implemented and answers UNIMPLEMENTED.
 */
@Injectable()
export class HealthGrpcService {
  private readonly logger = new Logger('GrpcHealth');

  constructor(private readonly oip: OipService) {}

  implementation(): UntypedServiceImplementation {
    return {
      Check: unaryHandler(this.logger, async ({ service }: { service: string }) => {
        if (!HEALTH_CHECKED_SERVICES.includes(service))
          throw new ServiceException(ErrorCode.NotFound, `unknown service '${service}'`);
        return { status: (await this.oip.serverReady()) ? 'SERVING' : 'NOT_SERVING' };
      }),
    };
  }
}
