// Fills a JetStream stream with filler messages on a subject no consumer reads. The soak uses it
// to bring nats-server's file store to its steady state before memory is measured: the store keeps
// the block being written (8 MiB for a stream without max_bytes) cached in memory for as long as
// writes continue, so a fresh server's resident memory climbs until about two blocks have been
// written and then stays level (scripts/reliability/jetstream-memory.mjs shows the curve). At the
// soak's rate that takes most of a 10-minute run; filled first, the run measures a warm server.
import { randomUUID } from 'node:crypto';

/**
 * Publishes `bytes` of filler to `subject` through the JetStream context `js`, in messages of
 * `messageBytes`, waiting for `batch` acknowledgements at a time. Returns the messages published.
 */
export async function fillStream(js, { subject, bytes, messageBytes = 1024, batch = 256 }) {
  const body = JSON.stringify({ filler: 'x'.repeat(Math.max(0, messageBytes - 14)) });
  const count = Math.ceil(bytes / messageBytes);
  for (let sent = 0; sent < count;) {
    const acks = [];
    for (let i = 0; i < batch && sent < count; i++, sent++) {
      acks.push(js.publish(subject, body, { msgID: randomUUID() }));
    }
    await Promise.all(acks);
  }
  return count;
}
