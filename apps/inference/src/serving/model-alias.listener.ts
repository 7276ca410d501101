import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ModelAliasChanged,
  type ModelAliasChangedV1,
  type Track,
  TRACKS,
} from '@sentimentops/contracts';
import { EventConsumers } from '@sentimentops/messaging';
import { InferenceConfig } from '../inference.config.js';
import { ModelArtifactError } from '../model/model-artifact.js';
import { ModelSlots } from './model-slots.js';

/**
 * Follows the registry's aliases: when `champion` or `challenger` moves and this process serves
 * that track, the new version is loaded, warmed up and swapped in. Every replica handles every
 * change (an instance-scoped consumer); the event is acknowledged once the swap is done.
 */
@Injectable()
export class ModelAliasListener implements OnModuleInit {
  private readonly logger = new Logger(ModelAliasListener.name);

  constructor(
    private readonly config: InferenceConfig,
    private readonly consumers: EventConsumers,
    private readonly slots: ModelSlots,
  ) {}

  onModuleInit() {
    this.consumers.register({
      contract: ModelAliasChanged,
      durable: 'inference-model-swap',
      scope: 'instance',
      handler: (event) => this.onAliasChanged(event),
    });
  }

  async onAliasChanged(event: ModelAliasChangedV1) {
    const track = TRACKS.find((t): t is Track => t === event.alias);
    if (!track || !this.config.tracks().includes(track)) return;
    if (event.version === null) {
      this.logger.warn(`alias ${track} removed by ${event.actor}; ${track} stops serving`);
      await this.slots.unload(track, event.revision);
      return;
    }
    try {
      await this.slots.swap([track], event.artifactUri!, event.version, event.revision);
    } catch (err) {
      // A refused artifact (bad card, sha256 mismatch) stays refused: redelivery cannot help, and
      // the track keeps serving its current model. Anything else is retried by JetStream.
      if (!(err instanceof ModelArtifactError)) throw err;
      this.logger.error(`refused ${track} v${event.version}: ${err.message}`);
    }
  }
}
