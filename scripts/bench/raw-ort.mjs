// The baseline of `make bench-serve`: raw onnxruntime-node on pre-tokenised inputs, no service
// around it. Same model file, same session options as the inference service, same batch size and
// length grouping as the full path showed; tokenisation happens before the clock starts.
//
//   node scripts/bench/raw-ort.mjs <model.onnx> <ids.json> <batchSize> <seconds> <intraOpThreads>
//
// ids.json: token id rows (the corpus, tokenised). Prints {textsPerSecond, batches, batchSize}.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';

const [modelPath, idsPath, batchArg, secondsArg, threadsArg] = process.argv.slice(2);
const rows = JSON.parse(readFileSync(idsPath, 'utf8'));
const batchSize = Math.max(1, Number(batchArg));
const session = await ort.InferenceSession.create(modelPath, {
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  intraOpNumThreads: Number(threadsArg),
  interOpNumThreads: 1,
});

// Batches as the batcher forms them under load: neighbours in token length, padded to the longest.
const byLength = [...rows].sort((a, b) => a.length - b.length);
const batches = [];
for (let i = 0; i < byLength.length; i += batchSize) {
  const chunk = byLength.slice(i, i + batchSize);
  const width = Math.max(...chunk.map((r) => r.length));
  const ids = new BigInt64Array(chunk.length * width);
  const mask = new BigInt64Array(chunk.length * width);
  chunk.forEach((r, row) =>
    r.forEach((id, col) => {
      ids[row * width + col] = BigInt(id);
      mask[row * width + col] = 1n;
    }),
  );
  const dims = [chunk.length, width];
  batches.push({
    feeds: {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    },
    texts: chunk.length,
  });
}
// Shuffled so long and short batches interleave as they would in traffic.
for (let i = batches.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [batches[i], batches[j]] = [batches[j], batches[i]];
}

for (const b of batches.slice(0, 3)) await session.run(b.feeds); // warm-up
const until = performance.now() + Number(secondsArg) * 1000;
const started = performance.now();
let texts = 0;
let runs = 0;
while (performance.now() < until) {
  const b = batches[runs % batches.length];
  await session.run(b.feeds);
  texts += b.texts;
  runs++;
}
const elapsed = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ textsPerSecond: texts / elapsed, batches: runs, batchSize }));
