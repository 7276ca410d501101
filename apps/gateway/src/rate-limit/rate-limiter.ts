import { type ServerUnaryCall } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import { type Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config.js';
import { type InferRequest } from '../oip/oip-infer.types.js';
import { clientAddress, grpcPeerAddress } from './client-address.js';
import { TokenBuckets } from './token-buckets.js';

export const RATE_LIMITED_METRIC = 'sentimentops_rate_limited_total';

export const rateLimitMetricProviders = [
  makeCounterProvider({
    name: RATE_LIMITED_METRIC,
    help: 'Prediction requests refused by the per-client rate limit, by route.',
    labelNames: ['route'],
  }),
];

/** Over the limit: 429 / RESOURCE_EXHAUSTED, with the whole seconds to wait (Retry-After). */
export class RateLimitedException extends ServiceException {
  constructor(readonly retryAfterS: number) {
    super(ErrorCode.ResourceExhausted, 'rate limit exceeded', [
      `retry after ${retryAfterS} s (GATEWAY_RATE_LIMIT_RPS texts a second per client)`,
    ]);
  }
}

/** The texts an OIP request carries, for the limit: the elements of its text tensors. */
export const inferRequestTexts = (request: InferRequest) =>
  request.inputs.reduce((texts, input) => texts + (input.elements?.length ?? 0), 0);

/**
 * The per-client limit on predictions, shared by every front door (REST /predict, OIP v2 over
 * REST and gRPC, sentimentops.v1 Predict), so one client has one budget whichever it uses. It
 * counts texts, not requests: the work a request makes is its batch, and counting requests would
 * let a client take GATEWAY_MAX_BATCH times the budget by batching. REST /predict and gRPC Predict
 * admit a request after checking its batch, so a malformed one (400) costs nothing; OIP admits
 * after decoding the tensors, before OipService checks them against the model.
 */
@Injectable()
export class RateLimiter {
  private readonly buckets?: TokenBuckets;
  private readonly trustedHops: number;

  constructor(
    config: GatewayConfig,
    @InjectMetric(RATE_LIMITED_METRIC) private readonly refused: Counter<string>,
  ) {
    this.trustedHops = config.GATEWAY_TRUST_PROXY;
    if (config.GATEWAY_RATE_LIMIT_RPS > 0) {
      this.buckets = new TokenBuckets({
        ratePerS: config.GATEWAY_RATE_LIMIT_RPS,
        burst: config.GATEWAY_RATE_LIMIT_BURST,
        maxKeys: config.GATEWAY_RATE_LIMIT_CLIENTS,
      });
    }
  }

  /** Admits an HTTP request of `texts` texts, or sets Retry-After and throws (429). */
  admitHttp(request: Request, response: Response, texts: number, route: string): void {
    const client = clientAddress(
      request.socket.remoteAddress,
      request.headers['x-forwarded-for'],
      this.trustedHops,
    );
    const retryAfterS = this.refusal(client, texts, route);
    if (retryAfterS === undefined) return;
    response.setHeader('Retry-After', String(retryAfterS));
    throw new RateLimitedException(retryAfterS);
  }

  /** Admits a gRPC call of `texts` texts, or throws (RESOURCE_EXHAUSTED, `retry-after` trailer). */
  admitGrpc(call: ServerUnaryCall<unknown, unknown>, texts: number, route: string): void {
    const forwarded = call.metadata.get('x-forwarded-for').map(String);
    const client = clientAddress(
      grpcPeerAddress(call.getPeer()),
      forwarded.length ? forwarded : undefined,
      this.trustedHops,
    );
    const retryAfterS = this.refusal(client, texts, route);
    if (retryAfterS !== undefined) throw new RateLimitedException(retryAfterS);
  }

  private refusal(client: string, texts: number, route: string): number | undefined {
    if (!this.buckets) return undefined;
    // The burst is at least GATEWAY_MAX_BATCH (config), so only a batch that is refused as too
    // large anyway is cut down to it here; it must never become a wait that cannot end.
    const cost = Math.min(Math.max(1, texts), this.buckets.burst);
    const admission = this.buckets.take(client, cost);
    if (admission.admitted) return undefined;
    this.refused.inc({ route });
    return admission.retryAfterS;
  }
}
