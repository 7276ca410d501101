import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { type AliasView, registryContracts, type Track } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { ReadinessChecks } from '@sentimentops/service-kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { InferenceConfig } from '../inference.config.js';
import { ModelSlots } from './model-slots.js';

const ASK_TIMEOUT_MS = 5_000;
const ASK_INTERVAL_MS = 1_000;

/**
 * Loads what each served track should serve once the app is up (HTTP answers meanwhile: live,
 * not ready), and makes readiness wait for it. The registry says which versions `champion` and
 * `challenger` name (so a restart serves the current champion, not the bundled model); a
 * challenger alias that names nothing leaves that track empty. When the registry does not
 * answer in time, INFERENCE_MODEL_DIR is served until the registry's next alias change. A refused
 * model keeps the process unready with the reason in /health/ready.
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
    private readonly requester: NatsRequester,
  ) {}

  onModuleInit() {
    this.readiness.register('model', () => {
      const indicator = this.health.check('model');
      const missing = this.config.tracks().filter((t) => !this.slots.isSettled(t));
      if (missing.length === 0) return indicator.up();
      return indicator.down({ reason: this.failure ?? 'loading', tracks: missing });
    });
  }

  onApplicationBootstrap() {
    this.load().catch((err: unknown) => {
      this.failure = err instanceof Error ? err.message : String(err);
      this.logger.error(`cannot serve: ${this.failure}`);
    });
  }

  private async load() {
    const aliases = await this.askRegistry();
    const fromDir: Track[] = [];
    for (const track of this.config.tracks()) {
      const alias = aliases?.find((a) => a.alias === track);
      if (alias?.version) {
        const { artifactUri } = await this.requester.request(
          registryContracts.getVersion,
          { modelName: this.config.INFERENCE_MODEL_NAME, version: alias.version },
          ASK_TIMEOUT_MS,
        );
        await this.slots.swap([track], artifactUri, alias.version, alias.revision);
      } else if (aliases && track === 'challenger') {
        await this.slots.unload(track, alias?.revision ?? 0);
      } else {
        fromDir.push(track);
      }
    }
    if (fromDir.length > 0) {
      const { INFERENCE_MODEL_DIR: dir, INFERENCE_MODEL_VERSION: version } = this.config;
      await this.slots.swap(fromDir, dir, version);
    }
  }

  /** The aliases, or undefined when the registry said nothing within INFERENCE_REGISTRY_WAIT_S. */
  private async askRegistry(): Promise<AliasView[] | undefined> {
    const waitMs = this.config.INFERENCE_REGISTRY_WAIT_S * 1000;
    if (waitMs === 0) return undefined;
    const deadline = Date.now() + waitMs;
    let last: unknown;
    do {
      try {
        const { aliases } = await this.requester.request(
          registryContracts.listAliases,
          { modelName: this.config.INFERENCE_MODEL_NAME },
          Math.min(ASK_TIMEOUT_MS, Math.max(deadline - Date.now(), 100)),
        );
        return aliases;
      } catch (err) {
        last = err;
        await sleep(ASK_INTERVAL_MS);
      }
    } while (Date.now() < deadline);
    this.logger.warn(
      `the registry did not say what to serve within ${waitMs / 1000}s (${String(last)}); ` +
        `serving ${this.config.INFERENCE_MODEL_DIR} until its next alias change`,
    );
    return undefined;
  }
}
