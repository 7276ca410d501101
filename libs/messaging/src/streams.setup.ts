import { type JetStreamManager, type StreamConfig, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type StreamDefinition } from '@sentimentops/contracts';

/**
 * Creates each stream of the platform, or brings an existing one to the declared limits.
 * Idempotent: every app that publishes or consumes runs it after (re)connecting.
 */
export async function ensureStreams(jsm: JetStreamManager, streams: readonly StreamDefinition[]) {
  for (const s of streams) {
    const config: Partial<StreamConfig> & { name: string } = {
      name: s.name,
      subjects: [...s.subjects],
      storage: StorageType.File,
      max_age: nanos(s.maxAgeSeconds * 1000),
      duplicate_window: nanos(s.duplicateWindowSeconds * 1000),
    };
    const existing = await jsm.streams.info(s.name).catch(() => null);
    if (!existing) {
      await jsm.streams.add(config);
    } else if (differs(existing.config, config)) {
      await jsm.streams.update(s.name, { ...existing.config, ...config });
    }
  }
}

function differs(current: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return (
    current.max_age !== wanted.max_age ||
    current.duplicate_window !== wanted.duplicate_window ||
    current.subjects.join(',') !== wanted.subjects!.join(',')
  );
}
