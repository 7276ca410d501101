import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  type ModelAlias,
  ModelAliasChanged,
  type ModelAliasChangedV1,
} from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { InjectMetric, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Gauge } from 'prom-client';
import { RegistryClient } from './registry.client.js';

export const MODEL_ALIAS_METRIC = 'sentimentops_model_alias_info';

export const modelAliasMetricProvider = makeGaugeProvider({
  name: MODEL_ALIAS_METRIC,
  help: 'The version each alias of each model points at, as this gateway last heard (value 1).',
  labelNames: ['model', 'alias', 'version'],
});

interface Known {
  version: string | null;
  revision: number;
}

/**
 * The gateway's view of the registry's aliases: read once at start, then kept current from
 * `model.alias-changed.v1` (every gateway replica hears every change), shown in /metrics as
 * `sentimentops_model_alias_info`. Routing does not read it: the canary split follows
 * `rollout.changed.v1` (rollouts/), which names the versions it splits between.
 */
@Injectable()
export class ModelAliasesWatcher
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(ModelAliasesWatcher.name);
  private readonly aliases = new Map<string, Known>();
  private stopped = false;

  constructor(
    private readonly consumers: EventConsumers,
    private readonly registry: RegistryClient,
    @InjectMetric(MODEL_ALIAS_METRIC) private readonly gauge: Gauge<string>,
  ) {}

  /** The version an alias points at, if this gateway knows it. */
  version(model: string, alias: ModelAlias): string | null | undefined {
    return this.aliases.get(`${model}/${alias}`)?.version;
  }

  onModuleInit() {
    this.consumers.register({
      contract: ModelAliasChanged,
      durable: 'gateway-model-aliases',
      scope: 'instance',
      handler: (event) => Promise.resolve(this.onChanged(event)),
    });
  }

  onApplicationBootstrap() {
    void this.readAll('sentiment');
  }

  onApplicationShutdown() {
    this.stopped = true;
  }

  onChanged(event: ModelAliasChangedV1) {
    const changed = this.set(event.modelName, event.alias, event.version, event.revision);
    if (changed) {
      this.logger.log(
        `${event.modelName} ${event.alias}: ${event.previousVersion ?? '-'} -> ${event.version ?? '-'} ` +
          `by ${event.actor}${event.reason ? ` (${event.reason})` : ''}`,
      );
    }
  }

  /** The registry may start after the gateway: a few tries, then the events alone. */
  private async readAll(model: string) {
    for (let attempt = 1; attempt <= 10 && !this.stopped; attempt++) {
      try {
        const { aliases } = await this.registry.listAliases(model);
        for (const a of aliases) this.set(model, a.alias, a.version, a.revision);
        return;
      } catch (err) {
        if (attempt === 10) this.logger.warn(`aliases of ${model} not read: ${String(err)}`);
        // Unref'd: a gateway that stops meanwhile exits without waiting for the next try.
        await sleep(1_000 * attempt, undefined, { ref: false });
      }
    }
  }

  /** Keeps the newest revision: a late reply or a redelivered event never moves an alias back. */
  private set(model: string, alias: ModelAlias, version: string | null, revision = 0): boolean {
    const key = `${model}/${alias}`;
    const known = this.aliases.get(key);
    if (known && revision !== 0 && known.revision >= revision) return false;
    if (known?.version) this.gauge.remove({ model, alias, version: known.version });
    this.aliases.set(key, { version, revision });
    if (version) this.gauge.set({ model, alias, version }, 1);
    return true;
  }
}
