// Load for the reliability runs: a closed-loop saturation measurement (autocannon) and an open-loop
// constant-rate generator that keeps every request's timeline, so a fault's effect can be read
// off afterwards (which requests failed or were slow, and when).
import { clearTimeout, setTimeout } from 'node:timers';
import autocannon from 'autocannon';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../stack/lib/config.mjs';

// ESLint's script globals (eslint.config.mjs) do not list AbortSignal.
const timeoutSignal = (ms) => globalThis.AbortSignal.timeout(ms);

/** Real reviews of real lengths (the hand-written dev set), as `make bench-serve` uses. */
export function corpus() {
  const file = path.join(REPO_ROOT, 'training/data/handwritten-dev/reviews.jsonl');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line).text);
}

/**
 * Throughput (2xx per second) of POST /predict, closed loop: `connections` clients each send the
 * next request as soon as the previous one is answered. The rate the platform can sustain here.
 */
export async function saturation(gateway, texts, { seconds = 8, connections = 32 } = {}) {
  let next = 0;
  const result = await autocannon({
    url: `${gateway}/predict`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ text: texts[next++ % texts.length] }),
        }),
      },
    ],
  });
  return {
    throughput: result['2xx'] / result.duration,
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/**
 * Open loop at a constant arrival rate (k6's constant-arrival-rate, wrk2): request i is due at
 * i / rate seconds whatever the earlier ones are doing, so a stall shows as latency, not as a
 * load that backs off. `send(i)` returns a fetch Response (or throws). Every request's record:
 * { i, due, end, status } with times from performance.now(); status 0 when no answer came.
 * `keepBody`: keep each answer's body in its record (`body`). `stop()` ends it early; `at(seconds, fn)` runs fn once that much time into the run.
 */
export function openLoop({ rate, seconds, send, timeoutMs = 15_000, keepBody = true }) {
  const records = [];
  const timers = [];
  let stopped = false;
  const started = performance.now();
  const total = Math.round(rate * seconds);
  const done = (async () => {
    const inFlight = [];
    for (let i = 0; i < total && !stopped; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const record = { i, due, end: undefined, status: 0 };
      records.push(record);
      inFlight.push(
        Promise.resolve()
          .then(() => send(i, timeoutSignal(timeoutMs)))
          .then(async (res) => {
            const body = await res.text();
            if (keepBody) record.body = body;
            record.status = res.status;
          })
          .catch((err) => (record.error = String(err?.cause?.code ?? err?.name ?? err)))
          .finally(() => (record.end = performance.now())),
      );
    }
    await Promise.all(inFlight);
    timers.forEach(clearTimeout);
    return records;
  })();
  return {
    started,
    records,
    done,
    stop: () => (stopped = true),
    at: (s, fn) => timers.push(setTimeout(fn, s * 1000)),
  };
}

/** Quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const latency = (r) => r.end - r.due;

/** The largest of many numbers (Math.max(...values) overflows the stack on long runs). */
export const maxOf = (values) => values.reduce((m, v) => (v > m ? v : m), -Infinity);

export function summarise(records) {
  const ok = records.filter((r) => r.status >= 200 && r.status < 300);
  const ms = ok.map(latency);
  const statuses = {};
  for (const r of records) {
    const key = r.status === 0 ? `no answer (${r.error})` : String(r.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return {
    requests: records.length,
    ok: ok.length,
    failed: records.length - ok.length,
    errorRate: records.length ? (records.length - ok.length) / records.length : 0,
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    max: ms.length ? maxOf(ms) : NaN,
    statuses,
  };
}

export const postJson = (url, body, signal, headers = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
