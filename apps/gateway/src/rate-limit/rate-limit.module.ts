import { Module } from '@nestjs/common';
import { RateLimiter, rateLimitMetricProviders } from './rate-limiter.js';

/** The per-client rate limit on predictions (GATEWAY_RATE_LIMIT_*), one for every front door. */
@Module({
  providers: [RateLimiter, ...rateLimitMetricProviders],
  exports: [RateLimiter],
})
export class RateLimitModule {}
