// Asks a running inference process for one prediction over NATS, as the gateway does
// (libs/messaging/src/nats-requester.ts: the NestJS transport's packet on the champion track's
// subject, RequestSubject.inferencePredict in libs/contracts), so that `make test-images` sees
// ONNX Runtime and the tokenizer work inside the image. Prints the prediction; exits 1 without one.
// Usage: node predict-over-nats.mjs <nats-url> [text]
import { connect } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';

const SUBJECT = 'inference.predict.v1.champion';
const [url, text = 'A warm, funny and beautifully acted film.'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node predict-over-nats.mjs <nats-url> [text]');
  process.exit(2);
}

const nc = await connect({ servers: url });
try {
  const packet = { pattern: SUBJECT, data: { texts: [text] }, id: randomUUID() };
  const reply = (await nc.request(SUBJECT, JSON.stringify(packet), { timeout: 15_000 })).json();
  const prediction = reply.response?.predictions?.[0];
  const version = reply.response?.model?.version;
  if (reply.err || !['positive', 'negative'].includes(prediction?.label) || !version) {
    console.error(`predict-over-nats: unexpected reply ${JSON.stringify(reply)}`);
    process.exitCode = 1;
  } else {
    console.log(`${prediction.label} ${prediction.score.toFixed(3)} (model v${version})`);
  }
} finally {
  await nc.close();
}
