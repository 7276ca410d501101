import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';

export type ReadinessCheck = () => PromiseLike<HealthIndicatorResult> | HealthIndicatorResult;

/**
 * The app's readiness checks by name. The platform registers NATS (and the database where there is
 * one); capabilities add their own (e.g. inference: model loaded and warmed up).
 */
@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck) {
    this.checks.set(name, check);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
