import { Injectable } from '@nestjs/common';
import { type AliasView, registryContracts } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { type RolloutRow } from './rollout-store.js';

export interface Aliases {
  champion?: AliasView;
  challenger?: AliasView;
}

/** What the registry did for an ended rollout; `note` says why it changed nothing, when it did not. */
export interface RegistryOutcome {
  changed: boolean;
  note?: string;
}

/**
 * The registry as rollouts need it: which versions are champion and challenger, and the alias
 * change a rollout ends with. Each change is made only while the aliases are as the rollout left
 * them (`expectedRevision`), so a retry after a lost reply, or after someone moved an alias by
 * hand, never undoes another change.
 */
@Injectable()
export class RolloutRegistry {
  constructor(private readonly requester: NatsRequester) {}

  async aliases(modelName: string): Promise<Aliases> {
    const { aliases } = await this.requester.request(registryContracts.listAliases, { modelName });
    return {
      champion: aliases.find((a) => a.alias === 'champion'),
      challenger: aliases.find((a) => a.alias === 'challenger'),
    };
  }

  /** champion -> the rollout's version (the registry moves `previous` and clears `challenger`). */
  async promote(row: RolloutRow): Promise<RegistryOutcome> {
    const { champion, challenger } = await this.aliases(row.model_name);
    if (champion?.version === row.version) return { changed: false };
    if (challenger?.version !== row.version) {
      return {
        changed: false,
        note:
          `champion not moved: v${row.version} is no longer the challenger ` +
          `(now ${challenger?.version ? `v${challenger.version}` : 'none'})`,
      };
    }
    await this.requester.request(registryContracts.setAlias, {
      modelName: row.model_name,
      alias: 'champion',
      version: row.version,
      reason: reasonOf(row),
      actor: 'rollout',
      source: 'rollout',
      ...(champion ? { expectedRevision: champion.revision } : {}),
    });
    return { changed: true };
  }

  /** challenger -> none, the version marked rejected with the rollout's reason. */
  async reject(row: RolloutRow): Promise<RegistryOutcome> {
    const { challenger } = await this.aliases(row.model_name);
    if (challenger?.version !== row.version) {
      return {
        changed: false,
        note:
          `not rejected in the registry: v${row.version} is no longer the challenger ` +
          `(now ${challenger?.version ? `v${challenger.version}` : 'none'})`,
      };
    }
    await this.requester.request(registryContracts.setAlias, {
      modelName: row.model_name,
      alias: 'challenger',
      version: null,
      reject: true,
      reason: reasonOf(row),
      actor: 'rollout',
      source: 'rollout',
      expectedRevision: challenger.revision,
    });
    return { changed: true };
  }
}

const reasonOf = (row: RolloutRow) =>
  `rollout ${row.id}: ${row.reason ?? row.state}`.slice(0, 1000);
