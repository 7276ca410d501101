import { Injectable } from '@nestjs/common';
import { driftContracts } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import { type LiveAccuracy } from './rollout-analysis.js';

/**
 * Live accuracy of the champion and the challenger from drift (feedback joined with the logged
 * predictions). Drift not answering is no reason to fail a rollout: the check is skipped, saying so.
 */
@Injectable()
export class LiveAccuracySource {
  constructor(private readonly requester: NatsRequester) {}

  async compare(
    modelName: string,
    versions: { champion: string | null; challenger: string },
    since: Date,
    until: Date,
  ): Promise<LiveAccuracy> {
    if (!versions.champion) return { unavailable: 'no champion to compare with' };
    try {
      const reply = await this.requester.request(driftContracts.quality, {
        modelName,
        versions: [versions.champion, versions.challenger],
        since: since.toISOString(),
        until: until.toISOString(),
      });
      const [champion, challenger] = reply.versions;
      if (!champion || !challenger) return { unavailable: 'drift answered without both versions' };
      return { champion, challenger };
    } catch (err) {
      return { unavailable: `drift did not answer (${(err as Error).message})` };
    }
  }
}
