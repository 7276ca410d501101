// The baseline of `make bench-serve`: raw onnxruntime-node on pre-tokenised inputs, no service
// around it. Same model file and session options as the inference service (as many sessions as it
// has workers, the same threads each), and batches of the same size formed by the same policy
// (groupByLength from the built inference app) from a simulated queue of waiting texts; for
// reference also the ideal: the whole corpus sorted by length and cut into batches of that size;
// and the latency of each text run alone, which says how much of the latency spread is the work's.
//
//   node scripts/bench/raw-ort.mjs '<json options>'
//
// Options: model, idsFile (token id rows), meanBatch (the batch size the full path formed),
// seconds, workers, intraOpThreads, maxBatchSize, maxPaddingRatio, parts (which measurements:
// "policy", "sorted", "single"; all three by default). Prints JSON figures, one key per part.
import 'reflect-metadata'; // the built inference app's modules carry decorator metadata
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { groupByLength } from '../../dist/apps/inference/src/batching/adaptive-batcher.js';

const o = JSON.parse(process.argv[2]);
const rows = JSON.parse(readFileSync(o.idsFile, 'utf8'));

// Deterministic draws, so two runs measure the same batches.
let seed = 12345;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = () => rows[Math.floor(random() * rows.length)];

function tensors(chunk) {
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
  return {
    feeds: {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
    },
    texts: chunk.length,
    cells: chunk.length * width,
    tokens: chunk.reduce((s, r) => s + r.length, 0),
  };
}

/** Batches the policy forms from a queue kept `depth` deep (texts arrive as batches leave). */
function policyBatches(depth, count) {
  let queue = Array.from({ length: depth }, pick);
  const out = [];
  for (let i = 0; i < count; i++) {
    const batch = groupByLength(queue, o.maxBatchSize, o.maxPaddingRatio);
    const taken = new Set(batch);
    queue = queue.filter((r) => !taken.has(r));
    while (queue.length < depth) queue.push(pick());
    out.push(batch);
  }
  return out;
}

/** The queue depth whose batches come closest to the full path's mean batch size. */
function matchingBatches() {
  let best;
  for (let depth = 1; depth <= 256; depth++) {
    const batches = policyBatches(depth, 400);
    const mean = batches.reduce((s, b) => s + b.length, 0) / batches.length;
    if (!best || Math.abs(mean - o.meanBatch) < Math.abs(best.mean - o.meanBatch))
      best = { depth, mean, batches };
    if (mean > o.meanBatch + 1) break;
  }
  return best;
}

function sortedBatches(size) {
  const byLength = [...rows].sort((a, b) => a.length - b.length);
  const out = [];
  for (let i = 0; i < byLength.length; i += size) out.push(byLength.slice(i, i + size));
  return out;
}

const sessionOptions = () => ({
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  intraOpNumThreads: o.intraOpThreads,
  interOpNumThreads: 1,
  extra: {
    session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } },
  },
});

/**
 * One session on its own thread, as each of the service's workers has: session.run() occupies the
 * thread that calls it, so two sessions driven from one thread would take turns. Loads and warms
 * up, says so, then runs batches `first`, `first + stride`, ... until the time the main thread
 * sends (performance.timeOrigin-based, the same clock on every thread) and posts its totals.
 */
async function sessionThread({ batches, first, stride }) {
  const session = await ort.InferenceSession.create(o.model, sessionOptions());
  const prepared = batches.map(tensors);
  await session.run(prepared[first % prepared.length].feeds); // warm-up
  parentPort.postMessage({ ready: true });
  const start = await new Promise((resolve) => parentPort.once('message', resolve));
  const deadline = start.until - performance.timeOrigin;
  let texts = 0;
  let cells = 0;
  let tokens = 0;
  for (let i = first; performance.now() < deadline; i += stride) {
    const b = prepared[i % prepared.length];
    await session.run(b.feeds);
    texts += b.texts;
    cells += b.cells;
    tokens += b.tokens;
  }
  await session.release();
  parentPort.postMessage({ texts, cells, tokens });
}

async function measure(batches) {
  // As many sessions as the service has workers, each on a thread of its own; each takes every
  // workers-th batch, as a free worker takes the next batch in the service.
  const threads = Array.from(
    { length: o.workers },
    (_, first) =>
      new Worker(import.meta.filename, {
        argv: process.argv.slice(2),
        workerData: { batches, first, stride: o.workers },
      }),
  );
  const next = (w) =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  await Promise.all(threads.map(next)); // loaded and warmed up
  const cpuBefore = process.cpuUsage(); // this process, all its threads
  const started = performance.now();
  const until = performance.timeOrigin + started + o.seconds * 1000;
  const done = threads.map(next);
  for (const w of threads) w.postMessage({ until });
  const totals = await Promise.all(done);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await Promise.all(threads.map((w) => w.terminate()));
  const sum = (key) => totals.reduce((s, t) => s + t[key], 0);
  return {
    textsPerSecond: sum('texts') / elapsed,
    paddingRatio: sum('cells') / sum('tokens'),
    texts: sum('texts'),
    seconds: elapsed,
    cells: sum('cells'),
    tokens: sum('tokens'),
    cores: (cpu.user + cpu.system) / 1e6 / elapsed, // the sessions' threads, on every core
  };
}

/** One text at a time, in corpus order: the latency spread the work itself has (long vs short texts). */
async function singleTextLatency() {
  const session = await ort.InferenceSession.create(o.model, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: o.intraOpThreads,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const prepared = rows.map((r) => tensors([r]));
  await session.run(prepared[0].feeds);
  const latencies = [];
  for (const b of prepared) {
    const started = performance.now();
    await session.run(b.feeds);
    latencies.push(performance.now() - started);
  }
  await session.release();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

async function main() {
  const parts = new Set(o.parts ?? ['policy', 'sorted', 'single']);
  const out = {};
  if (parts.has('policy')) {
    const matched = matchingBatches();
    out.policy = {
      ...(await measure(matched.batches)),
      meanBatch: matched.mean,
      queueDepth: matched.depth,
    };
  }
  if (parts.has('sorted'))
    out.sorted = await measure(sortedBatches(Math.max(1, Math.round(o.meanBatch))));
  if (parts.has('single')) out.single = await singleTextLatency();
  process.stdout.write(JSON.stringify(out));
}

// The main thread measures; a worker thread (measure()) runs one session.
if (isMainThread) await main();
else await sessionThread(workerData);
