// `make bench-drift`: the drift statistics over one window of 1,000,000 logged predictions
// against a 2,000-value reference profile, as the drift service computes them: PSI and the
// two-sample KS test for score, token length and unknown-token rate, the predicted-label counts,
// PSI and chi-square for the label shares, Holm across the four features and the verdict. The
// built library (dist/, `npm run build`). The reference is sorted; the 1M-value window is not,
// only scanned (libs/statistics/src/sorted-sample.ts, countAgainst).
//
// Baselines, timed in the same run: copying and sorting the three 1M-value arrays (what a
// sort-the-window implementation would pay before computing anything), and a bare pass summing
// them (the floor of any statistic that reads every value). Prints median and min seconds and
// the ratios of the medians. A benchmark, not a test: the target (< 1 s) is printed, not asserted.
//
//   node scripts/bench/drift.mjs [--n 1000000] [--reference 2000] [--reps 7]
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  categoricalFeature,
  driftVerdict,
  numericFeature,
} from '../../dist/libs/statistics/src/index.js';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    reference: { type: 'string', default: '2000' },
    reps: { type: 'string', default: '7' },
  },
});
const n = Number(args.n);
const referenceSize = Number(args.reference);
const reps = Number(args.reps);
const TARGET_S = 1;

/** mulberry32: seeded uniforms in (0, 1), so every run measures the same data. */
function uniforms(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/**
 * Logged predictions: a positive-class score, the token length (12..512, long-tailed), the
 * unknown-token rate (0 for most texts) and the predicted label (score >= 0.5). `shift` moves
 * the current window a little, so the statistics have something to find.
 */
function predictions(count, seed, shift) {
  const uniform = uniforms(seed);
  const score = new Float64Array(count);
  const tokens = new Float64Array(count);
  const unknown = new Float64Array(count);
  const label = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    score[i] = uniform() ** (0.8 + shift);
    tokens[i] = Math.min(512, 12 + Math.floor(-(90 + 40 * shift) * Math.log(uniform())));
    unknown[i] = uniform() < 0.85 - shift ? 0 : Math.round(uniform() * 0.05 * 1e4) / 1e4;
    label[i] = score[i] >= 0.5 ? 1 : 0;
  }
  return { score, tokens, unknown, label };
}

function labelCounts(labels) {
  const counts = [0, 0];
  for (let i = 0; i < labels.length; i++) counts[labels[i]] += 1;
  return counts;
}

const reference = predictions(referenceSize, 1, 0);
const current = predictions(n, 2, 0.05);
const referenceCounts = labelCounts(reference.label);
const referenceShares = referenceCounts.map((c) => c / referenceSize);

function allStatistics() {
  return driftVerdict([
    numericFeature('score', reference.score, current.score),
    numericFeature('token_length', reference.tokens, current.tokens),
    numericFeature('unknown_rate', reference.unknown, current.unknown),
    categoricalFeature('label', referenceShares, labelCounts(current.label)),
  ]);
}

function sortsOnly() {
  let checksum = 0;
  for (const values of [current.score, current.tokens, current.unknown]) {
    const sorted = values.slice().sort();
    checksum += sorted[sorted.length >> 1];
  }
  return checksum;
}

function onePass() {
  let sum = 0;
  for (const values of [current.score, current.tokens, current.unknown]) {
    for (let i = 0; i < values.length; i++) sum += values[i];
  }
  return sum;
}

function time(fn) {
  const seconds = [];
  let result;
  fn(); // warm-up: JIT and first-touch allocation out of the figures
  for (let r = 0; r < reps; r++) {
    const start = process.hrtime.bigint();
    result = fn();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  return { median: seconds[seconds.length >> 1], min: seconds[0], result };
}

// The sort baseline is measured on both sides of the statistics, which shows when the machine's
// load drifted during the run.
const before = time(sortsOnly);
const stats = time(allStatistics);
const after = time(sortsOnly);
const pass = time(onePass);
const sorts = before.median <= after.median ? before : after;

const fmt = (s) => s.toFixed(3);
const count = n.toLocaleString('en');
console.log(
  `\nbench-drift on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), node ${process.version}: ` +
    `${count} predictions vs a ${referenceSize.toLocaleString('en')}-value reference, ` +
    `${reps} repetitions after a warm-up\n`,
);
console.log('| what | median s | min s |');
console.log('|---|---|---|');
const row = (what, t) => console.log(`| ${what} | ${fmt(t.median)} | ${fmt(t.min)} |`);
row('all statistics (PSI ×3, KS ×3, chi-square, Holm, verdict)', stats);
row(`baseline: copy and sort the three ${count}-value arrays`, sorts);
row(`baseline: one pass summing the three ${count}-value arrays`, pass);
console.log(
  `\nstatistics / sorting (medians): ${(stats.median / sorts.median).toFixed(2)}; ` +
    `statistics / one pass: ${(stats.median / pass.median).toFixed(1)}`,
);
console.log(
  `sorting before / after the statistics (medians): ${fmt(before.median)} / ${fmt(after.median)}`,
);
console.log(
  `target < ${TARGET_S} s: ${stats.median < TARGET_S ? 'met' : 'MISSED'} (median ${fmt(stats.median)} s)`,
);

const verdict = stats.result;
console.log(`\nverdict: ${verdict.verdict}${verdict.severity ? ` (${verdict.severity})` : ''}`);
for (const f of verdict.features) {
  console.log(
    `  ${f.name.padEnd(13)} ${f.test.padEnd(10)} ${f.method ? `${f.method} ` : ''}` +
      `statistic ${f.statistic.toPrecision(4)}  p ${f.pValue.toExponential(2)}  ` +
      `Holm p ${f.adjustedPValue.toExponential(2)}  PSI ${f.psi.toFixed(4)}` +
      `${f.drifting ? '  drifting' : ''}`,
  );
}
