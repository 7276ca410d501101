import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ErrorCode, ServiceException } from '@sentimentops/contracts';
import { ReadinessChecks } from '@sentimentops/service-kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { AliasService } from '../aliases/alias.service.js';
import { RegistryQueries } from '../queries/registry-queries.js';
import { artifactUriFromSetting } from '../registration/artifact-uri.js';
import { VersionRegistrar } from '../registration/version-registrar.js';
import { RegistryConfig } from '../registry.config.js';

const ACTOR = 'bootstrap';
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;
/** Errors that another try cannot mend: the artifact or the setting is wrong. */
const DEFINITIVE = new Set([
  ErrorCode.InvalidArgument,
  ErrorCode.Unprocessable,
  ErrorCode.Conflict,
  ErrorCode.FailedPrecondition,
]);

/**
 * A fresh platform serves something: when the model has no version yet, the bundled demo model
 * is registered (as version 1) and made `champion`. Readiness waits for it, and shows why when
 * the bundled model is refused. Replicas starting together are safe: registration is idempotent
 * and the champion is only set while there is none.
 */
@Injectable()
export class DemoModelBootstrap
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(DemoModelBootstrap.name);
  private state: { done: boolean; failure?: string } = { done: false };
  private readonly stopping = new AbortController();

  constructor(
    private readonly config: RegistryConfig,
    private readonly registrar: VersionRegistrar,
    private readonly aliases: AliasService,
    private readonly queries: RegistryQueries,
    private readonly readiness: ReadinessChecks,
    private readonly health: HealthIndicatorService,
  ) {}

  onModuleInit() {
    this.readiness.register('bootstrap', () => {
      const indicator = this.health.check('bootstrap');
      if (this.state.done) return indicator.up();
      return indicator.down({ reason: this.state.failure ?? 'registering the bundled model' });
    });
  }

  onApplicationBootstrap() {
    void this.runUntilDone();
  }

  onApplicationShutdown() {
    this.stopping.abort();
  }

  /**
   * A refused model stays refused (readiness says why); anything else (the database restarting)
   * is tried again, with growing pauses.
   */
  private async runUntilDone() {
    for (let delayMs = RETRY_FIRST_MS; !this.stopping.signal.aborted;) {
      try {
        await this.run();
        this.state = { done: true };
        return;
      } catch (err) {
        const failure = err instanceof Error ? err.message : String(err);
        this.state = { done: false, failure };
        const final = err instanceof ServiceException && DEFINITIVE.has(err.code);
        this.logger.error(
          `cannot register the bundled model: ${failure}${final ? '' : `; trying again in ${delayMs / 1000}s`}`,
        );
        if (final) return;
        await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        delayMs = Math.min(delayMs * 2, RETRY_MAX_MS);
      }
    }
  }

  private async run() {
    const setting = this.config.REGISTRY_BOOTSTRAP_MODEL_URI;
    const modelName = this.config.REGISTRY_MODEL_NAME;
    if (!setting) return;
    const existing = await this.queries.listVersions(modelName).catch((err: unknown) => {
      if (err instanceof ServiceException && err.code === ErrorCode.NotFound) return [];
      throw err;
    });
    if (existing.length > 0) return;
    const artifactUri = artifactUriFromSetting(setting);
    const { version } = await this.registrar.register({ modelName, artifactUri, actor: ACTOR });
    const champion = (await this.queries.listAliases(modelName)).find(
      (a) => a.alias === 'champion',
    );
    if (champion?.version) return;
    await this.aliases.setAlias({
      modelName,
      alias: 'champion',
      version: String(version.version),
      reason: 'the bundled demo model, registered at first start',
      actor: ACTOR,
      source: 'bootstrap',
      expectedRevision: champion?.revision ?? 0,
    });
    this.logger.log(`registered the bundled model ${artifactUri} as v${version.version}, champion`);
  }
}
