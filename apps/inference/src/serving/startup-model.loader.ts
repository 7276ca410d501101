import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessChecks } from '@sentimentops/service-kit';
import { InferenceConfig } from '../inference.config.js';
import { ModelSlots } from './model-slots.js';

/**
 * Loads the configured model for every served track once the app is up (HTTP answers meanwhile:
 * live, not ready), and makes readiness wait for it. A refused model keeps the process unready
 * with the reason in /health/ready, rather than serving nothing while claiming to be ready.
 */
@Injectable()
export class StartupModelLoader implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(StartupModelLoader.name);
  private failure?: string;

  constructor(
    private readonly config: InferenceConfig,
    private readonly slots: ModelSlots,
    private readonly readiness: ReadinessChecks,
    private readonly health: HealthIndicatorService,
  ) {}

  onModuleInit() {
    this.readiness.register('model', () => {
      const indicator = this.health.check('model');
      const missing = this.config.tracks().filter((t) => !this.slots.isServing(t));
      if (missing.length === 0) return indicator.up();
      return indicator.down({ reason: this.failure ?? 'loading', tracks: missing });
    });
  }

  onApplicationBootstrap() {
    const { INFERENCE_MODEL_DIR: dir, INFERENCE_MODEL_VERSION: version } = this.config;
    this.slots.swap(this.config.tracks(), dir, version).catch((err: unknown) => {
      this.failure = err instanceof Error ? err.message : String(err);
      this.logger.error(`cannot serve the configured model: ${this.failure}`);
    });
  }
}
