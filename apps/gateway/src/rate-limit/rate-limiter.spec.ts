import { Metadata, type ServerUnaryCall, status as GrpcStatus } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@sentimentops/config';
import type { Request, Response } from 'express';
import { type Counter } from 'prom-client';
import { GatewayConfig } from '../gateway.config.js';
import { toGrpcError } from '../grpc/grpc-status.js';
import { RateLimitedException, RateLimiter } from './rate-limiter.js';

const TOKENS = { SENTIMENTOPS_ADMIN_TOKEN: 'a-token-of-sixteen-chars' };

function limiter(env: Record<string, string>) {
  const refused: Record<string, number> = {};
  const counter = {
    inc: ({ route }: { route: string }) => (refused[route] = (refused[route] ?? 0) + 1),
  } as unknown as Counter<string>;
  const config = loadConfig(GatewayConfig, { ...TOKENS, ...env });
  return { limiter: new RateLimiter(config, counter), refused };
}

function http(remoteAddress: string, forwardedFor?: string) {
  const headers: Record<string, string> = {};
  const request = {
    socket: { remoteAddress },
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  } as unknown as Request;
  const response = {
    setHeader: (name: string, value: string) => (headers[name] = value),
  } as unknown as Response;
  return { request, response, headers };
}

function grpcCall(peer: string, forwardedFor?: string) {
  const metadata = new Metadata();
  if (forwardedFor) metadata.set('x-forwarded-for', forwardedFor);
  return { getPeer: () => peer, metadata } as unknown as ServerUnaryCall<unknown, unknown>;
}

describe('RateLimiter', () => {
  it('answers over the limit with RESOURCE_EXHAUSTED, Retry-After set, and counts it', () => {
    const { limiter: rl, refused } = limiter({
      GATEWAY_RATE_LIMIT_RPS: '1',
      GATEWAY_RATE_LIMIT_BURST: '64',
    });
    const { request, response, headers } = http('203.0.113.9');
    rl.admitHttp(request, response, 64, '/predict');
    const error = (() => {
      try {
        rl.admitHttp(request, response, 3, '/predict');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RateLimitedException);
    expect(error).toMatchObject({ code: 'RESOURCE_EXHAUSTED', retryAfterS: 3 });
    expect(headers['Retry-After']).toBe('3');
    expect(refused).toEqual({ '/predict': 1 });
  });

  it('shares one budget between REST and gRPC for one address', () => {
    const { limiter: rl, refused } = limiter({
      GATEWAY_RATE_LIMIT_RPS: '1',
      GATEWAY_RATE_LIMIT_BURST: '64',
    });
    const { request, response } = http('::ffff:127.0.0.1');
    rl.admitHttp(request, response, 64, '/predict');
    expect(() => rl.admitGrpc(grpcCall('127.0.0.1:50123'), 1, 'grpc Predict')).toThrow(
      RateLimitedException,
    );
    rl.admitGrpc(grpcCall('127.0.0.2:50123'), 1, 'grpc Predict');
    expect(refused).toEqual({ 'grpc Predict': 1 });
  });

  it('keys on X-Forwarded-For only behind trusted proxies', () => {
    const env = { GATEWAY_RATE_LIMIT_RPS: '1', GATEWAY_RATE_LIMIT_BURST: '64' };
    const untrusting = limiter(env).limiter;
    const a = http('10.0.0.1', '198.51.100.1');
    untrusting.admitHttp(a.request, a.response, 64, '/predict');
    const b = http('10.0.0.1', '198.51.100.2'); // another forwarded client, same proxy
    expect(() => untrusting.admitHttp(b.request, b.response, 1, '/predict')).toThrow();

    const trusting = limiter({ ...env, GATEWAY_TRUST_PROXY: '1' }).limiter;
    trusting.admitHttp(a.request, a.response, 64, '/predict');
    trusting.admitHttp(b.request, b.response, 64, '/predict');
    expect(() => trusting.admitGrpc(grpcCall('10.0.0.1:4000', '198.51.100.2'), 1, 'g')).toThrow();
    trusting.admitGrpc(grpcCall('10.0.0.1:4000', '198.51.100.3'), 1, 'g');
  });

  it('admits everything when GATEWAY_RATE_LIMIT_RPS is 0', () => {
    const { limiter: rl } = limiter({ GATEWAY_RATE_LIMIT_RPS: '0' });
    const { request, response } = http('203.0.113.9');
    for (let i = 0; i < 1000; i++) rl.admitHttp(request, response, 256, '/predict');
  });

  it('gives gRPC callers the wait as a retry-after trailer', () => {
    const error = toGrpcError(new RateLimitedException(7), new Logger('test'));
    expect(error.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(error.metadata?.get('retry-after')).toEqual(['7']);
  });
});

describe('GatewayConfig rate limit', () => {
  it('refuses a burst below GATEWAY_MAX_BATCH, unless the limit is off', () => {
    expect(() => loadConfig(GatewayConfig, { ...TOKENS, GATEWAY_RATE_LIMIT_BURST: '10' })).toThrow(
      /GATEWAY_RATE_LIMIT_BURST.*GATEWAY_MAX_BATCH/,
    );
    expect(
      loadConfig(GatewayConfig, {
        ...TOKENS,
        GATEWAY_RATE_LIMIT_RPS: '0',
        GATEWAY_RATE_LIMIT_BURST: '10',
      }).GATEWAY_RATE_LIMIT_RPS,
    ).toBe(0);
  });

  it('is on by default, trusting no proxy', () => {
    const config = loadConfig(GatewayConfig, TOKENS);
    expect(config.GATEWAY_RATE_LIMIT_RPS).toBeGreaterThan(0);
    expect(config.GATEWAY_RATE_LIMIT_BURST).toBeGreaterThanOrEqual(config.GATEWAY_MAX_BATCH);
    expect(config.GATEWAY_TRUST_PROXY).toBe(0);
  });
});
