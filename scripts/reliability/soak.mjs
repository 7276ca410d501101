#!/usr/bin/env node
// `make test-reliability`, the soak: on a stack of its own (scripts/stack/stack.mjs on free ports, a
// temporary state dir), measures the saturation of POST /predict (closed loop), then holds an open
// loop at 70% of it for --minutes while it samples every process's resident memory (VmRSS, from
// /proc) every few seconds. Targets: no 5xx (nor unanswered request) at all, and resident memory
// growth under 10% per process after the warm-up:
//
//   growth = (median of the last window - median of the first window) / median of the first window
//
// where the warm-up is the first --warmup (20%) of the run and each window is the first or last
// 20% of the samples after it. Every prediction is logged (the platform's default sample rate 1),
// so drift stores one row per request: the soak covers the logging path and PostgreSQL as well.
// Before the run, --prefill-mib (16) of filler goes to the PREDICTIONS stream on a subject no
// consumer reads, so nats-server's file store is at its steady size (lib/jetstream-fill.mjs).
//
//   node scripts/reliability/soak.mjs [--minutes 10] [--load 0.7 | --rate 200] [--replicas 1]
//     [--sample-s 5] [--warmup 0.2] [--prefill-mib 16] [--mlflow] [--keep]
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { fillStream } from './lib/jetstream-fill.mjs';
import { corpus, latency, maxOf, openLoop, postJson, quantile, saturation } from './lib/load.mjs';
import { counter, fixed, metrics, mib, pct, rss, table, Targets } from './lib/report.mjs';
import { log, withStack } from './lib/stack.mjs';

const MAX_GROWTH = 0.1;
const WINDOW = 0.2; // each of the first and last windows: this share of the samples after warm-up

class UsageError extends Error {}

function options() {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      load: { type: 'string', default: '0.7' },
      rate: { type: 'string' },
      replicas: { type: 'string', default: '1' },
      'sample-s': { type: 'string' },
      warmup: { type: 'string', default: '0.2' },
      'prefill-mib': { type: 'string', default: '16' },
      mlflow: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.minutes) * 60;
  const opts = {
    seconds,
    load: Number(values.load),
    rate: values.rate === undefined ? undefined : Number(values.rate),
    replicas: Number(values.replicas),
    // At least ~40 samples in a short run; every 5 s in a long one.
    sampleS: Number(values['sample-s'] ?? Math.min(5, Math.max(0.5, seconds / 40))),
    warmup: Number(values.warmup),
    prefillMib: Number(values['prefill-mib']),
    mlflow: values.mlflow,
    keep: values.keep,
  };
  for (const key of ['seconds', 'load', 'rate', 'replicas', 'sampleS']) {
    if (opts[key] !== undefined && !(opts[key] > 0)) {
      throw new UsageError(`--${key} must be a positive number`);
    }
  }
  if (!(opts.prefillMib >= 0)) throw new UsageError('--prefill-mib must be 0 or more');
  if (!(opts.warmup >= 0 && opts.warmup < 0.8))
    throw new UsageError('--warmup must be in [0, 0.8)');
  return opts;
}

const median = (values) => quantile(values, 0.5);

/** Samples VmRSS of every stack process that has a pid file, every `intervalS`. */
/**
 * Samples VmRSS of every stack process that has a pid file, every `intervalS`; for the apps also
 * the V8 heap in use (`nodejs_heap_size_used_bytes` of their /metrics), whose lowest values, just
 * after a major collection, are the live heap: a leak raises that floor, memory V8 or the
 * allocator only keeps in reserve does not.
 */
function sampleMemory(stack, names, intervalS) {
  const samples = []; // { t, name, bytes, heap? }
  const apps = stack.apps();
  const heapOf = async (name) => {
    if (!apps[name]) return undefined;
    const page = await metrics(apps[name]).catch(() => '');
    return counter(page, 'nodejs_heap_size_used_bytes') || undefined;
  };
  const take = async () => {
    const t = performance.now();
    for (const name of names) {
      const bytes = rss(stack.pid(name));
      if (bytes !== undefined) samples.push({ t, name, bytes, heap: await heapOf(name) });
    }
  };
  void take();
  const timer = setInterval(take, intervalS * 1000);
  return {
    samples,
    stop: async () => {
      clearInterval(timer);
      await take();
    },
  };
}

function growthOf(samples, name, from, to) {
  const mine = samples.filter((s) => s.name === name);
  const after = mine.filter((s) => s.t >= from && s.t <= to);
  const n = Math.max(1, Math.floor(after.length * WINDOW));
  const first = median(after.slice(0, n).map((s) => s.bytes));
  const last = median(after.slice(-n).map((s) => s.bytes));
  const heapFloor = (window) => {
    const heaps = window.map((s) => s.heap).filter((h) => h !== undefined);
    return heaps.length ? Math.min(...heaps) : undefined;
  };
  const firstHeap = heapFloor(after.slice(0, n));
  const lastHeap = heapFloor(after.slice(-n));
  return {
    name,
    start: mine[0]?.bytes,
    first,
    last,
    max: Math.max(...mine.map((s) => s.bytes)),
    end: mine.at(-1)?.bytes,
    growth: (last - first) / first,
    firstHeap,
    lastHeap,
    windowSamples: n,
  };
}

async function main() {
  const opts = options();
  const targets = new Targets();
  await withStack(
    'soak',
    {
      mlflow: opts.mlflow,
      keep: opts.keep,
      extraEnv: {
        INFERENCE_REPLICAS: String(opts.replicas),
        // Drift checks every 30 s over a 1-minute window, so that they run under the load all
        // along and their working set (the window's logged predictions) is full after the
        // warm-up; with the default 60-minute window it grows for an hour by design.
        DRIFT_WINDOW_MINUTES: '1',
        DRIFT_CHECK_INTERVAL_S: '30',
      },
    },
    async (stack) => {
      const gateway = stack.url('gateway');
      const texts = corpus();
      log('soak: warm-up, then saturation (closed loop, 32 connections, 10 s)');
      await saturation(gateway, texts, { seconds: 3 });
      const sat = await saturation(gateway, texts, { seconds: 10 });
      const rate = opts.rate ?? Math.max(1, Math.round(sat.throughput * opts.load));
      if (opts.prefillMib > 0) {
        const nc = await connect({ servers: `127.0.0.1:${stack.env.SENTIMENTOPS_NATS_PORT}` });
        const messages = await fillStream(jetstream(nc), {
          subject: 'prediction.soak-fill.v1',
          bytes: opts.prefillMib * 2 ** 20,
        }).finally(() => nc.close());
        log(`soak: ${messages} filler messages (${opts.prefillMib} MiB) in PREDICTIONS`);
      }
      const names = ['nats', ...Object.keys(stack.apps())];
      log(
        `soak: ${rate} req/s open loop for ${fixed(opts.seconds / 60, 2)} min; VmRSS of ${names.join(', ')} every ${opts.sampleS} s`,
      );
      const memory = sampleMemory(stack, names, opts.sampleS);
      const loop = openLoop({
        rate,
        seconds: opts.seconds,
        keepBody: false,
        send: (i, signal) =>
          postJson(`${gateway}/predict`, { text: texts[i % texts.length] }, signal),
      });
      const progress = setInterval(() => {
        const done = loop.records.filter((r) => r.end !== undefined);
        log(
          `soak: ${done.length} answered, ${done.filter((r) => r.status >= 500 || r.status === 0).length} 5xx/unanswered`,
        );
      }, 60_000);
      const records = await loop.done;
      clearInterval(progress);
      await memory.stop();
      const endedAt = performance.now();

      const count = (pred) => records.filter(pred).length;
      const fivexx = count((r) => r.status >= 500);
      const unanswered = count((r) => r.status === 0);
      const other = count((r) => r.status !== 200 && r.status !== 0 && r.status < 500);
      const ok = records.filter((r) => r.status === 200).map(latency);
      const elapsed = (maxOf(records.map((r) => r.end)) - loop.started) / 1000;
      const warmEnd = loop.started + opts.seconds * 1000 * opts.warmup;
      const growth = names.map((name) => growthOf(memory.samples, name, warmEnd, endedAt));

      table(
        `Soak: POST /predict, open loop at ${rate} req/s (${opts.rate ? 'fixed by --rate' : `${opts.load} × saturation`}) ` +
          `for ${fixed(opts.seconds / 60, 2)} min, ${opts.replicas} inference replica(s)`,
        ['figure', 'value'],
        [
          [
            'saturation (closed loop, 32 connections, 10 s)',
            `${fixed(sat.throughput)} req/s (p50 ${sat.p50} / p99 ${sat.p99} ms, ${sat.non2xx} not 2xx)`,
          ],
          ['requests', records.length],
          ['answered 200', ok.length],
          ['achieved rate (200 per second)', `${fixed(ok.length / elapsed)} req/s`],
          [
            'latency p50 / p99 / max',
            `${fixed(quantile(ok, 0.5), 0)} / ${fixed(quantile(ok, 0.99), 0)} / ${fixed(maxOf(ok), 0)} ms`,
          ],
          ['5xx', fivexx],
          ['unanswered (no response within 15 s)', unanswered],
          ['other non-200 (4xx)', other],
        ],
      );
      table(
        `Resident memory (VmRSS, MiB), sampled every ${opts.sampleS} s; warm-up: first ${pct(opts.warmup, 0)} of the run; ` +
          `growth = (median of the last ${pct(WINDOW, 0)} - median of the first ${pct(WINDOW, 0)} of the samples after warm-up) / the latter`,
        [
          'process',
          'at start',
          'first window (median)',
          'last window (median)',
          'max',
          'at end',
          'growth',
          'V8 heap floor, first → last window',
        ],
        growth.map((g) => [
          g.name,
          mib(g.start),
          mib(g.first),
          mib(g.last),
          mib(g.max),
          mib(g.end),
          pct(g.growth, 1),
          g.firstHeap === undefined
            ? '—'
            : `${mib(g.firstHeap)} → ${mib(g.lastHeap)} (${pct((g.lastHeap - g.firstHeap) / g.firstHeap, 1)})`,
        ]),
      );
      targets.check(
        'soak: 5xx or unanswered',
        String(fivexx + unanswered),
        '0',
        fivexx + unanswered === 0,
      );
      for (const g of growth) {
        targets.check(
          `soak: ${g.name} RSS growth after warm-up`,
          pct(g.growth, 1),
          `< ${pct(MAX_GROWTH, 0)}`,
          g.growth < MAX_GROWTH,
        );
      }
    },
  );
  return targets.print();
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(
    `error: ${err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS') ? err.message : (err?.stack ?? err)}`,
  );
  process.exitCode = err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS') ? 2 : 1;
}
process.exit(process.exitCode);
