// `make bench-serve`: the serving path under load, against raw onnxruntime-node in the same run.
//
// For each model: starts NATS, one inference process and the gateway (the built apps, on free
// ports), drives POST /predict with autocannon at saturation (closed loop, --connections) in
// --rounds rounds, each followed by raw onnxruntime-node on the same texts, pre-tokenised, in
// batches of the mean size the adaptive batcher formed (scripts/bench/raw-ort.mjs; the sizes come
// from the inference metrics), so that a shared machine's drift weighs on both sides alike; then
// open loop at a constant rate of half that throughput (latency). Prints throughput, where the
// inference process's time went, the cores each process used, p50/p99 latency and full-path / raw;
// writes the figures to .cache/bench/.
//
//   node scripts/bench/serve.mjs [--models demo,base] [--seconds 20] [--rounds 4]
//     [--connections 32] [--inference-cpus 1]
//
// "base" is a distilbert-base-size int8 model made from training/configs/bench-base.yaml by the
// training job (cached in .cache/bench/distilbert-base; not committed).
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Tokenizer } from 'tokenizers';
import { httpStatus } from '../stack/lib/probes.mjs';
import { NATS_SERVER_BIN } from '../stack/lib/specs.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BENCH_DIR = path.join(ROOT, '.cache/bench');
const VENV_PYTHON = path.join(process.env.VENV ?? path.join(ROOT, '.cache/venv'), 'bin/python');

const MODELS = {
  demo: {
    dir: path.join(ROOT, 'models/sentiment-demo'),
    variant: 'fp32',
    label: 'demo (3 layers, dim 128), fp32',
  },
  base: {
    dir: path.join(BENCH_DIR, 'distilbert-base'),
    variant: 'int8',
    label: 'distilbert-base size (6 layers, dim 768), int8',
    config: 'training/configs/bench-base.yaml',
  },
};

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'demo,base' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '32' },
    // e.g. 1: inference (and raw ORT, its baseline) on these CPUs, everything else (NATS, the
    // gateway, this load generator) on the others, as CPU requests would keep them apart in a
    // cluster. Without it all of them share every core.
    'inference-cpus': { type: 'string' },
    // Saturation and raw ORT alternate this many times (seconds split between the rounds).
    rounds: { type: 'string', default: '4' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const rounds = Math.max(1, Number(args.rounds));
const threads = availableParallelism();
const pinning = args['inference-cpus'] ? cpuSets(args['inference-cpus']) : undefined;
if (pinning) {
  // This process (autocannon's load) and everything started without a set keep off inference's.
  const moved = spawnSync('taskset', ['-a', '-p', '-c', pinning.rest, String(process.pid)]);
  if (moved.status !== 0) throw new Error(`taskset failed: ${moved.stderr}`);
  // One ORT thread per pinned CPU, unless the environment says otherwise.
  process.env.INFERENCE_INTRA_OP_THREADS ??= String(pinning.count);
}

/** `--inference-cpus` as taskset lists: inference's CPUs and the rest, both non-empty. */
function cpuSets(list) {
  const all = Array.from({ length: cpus().length }, (_, i) => i);
  const chosen = new Set(list.split(',').map(Number));
  if ([...chosen].some((c) => !all.includes(c)))
    throw new Error(`--inference-cpus ${list}: CPUs are 0..${all.length - 1}`);
  const rest = all.filter((c) => !chosen.has(c));
  if (rest.length === 0) throw new Error(`--inference-cpus ${list}: leaves no CPU for the rest`);
  return { inference: [...chosen].join(','), rest: rest.join(','), count: chosen.size };
}

/** `command argv` run on `set` (a taskset CPU list) when pinning, else as it is. */
function pinned(set, command, argv) {
  return pinning ? ['taskset', ['-c', set, command, ...argv]] : [command, argv];
}

// Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ; 100 on Linux as built).
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds (user + system, all threads) a process has used so far; null where /proc is not. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name, in parentheses that may hold spaces: field 3 onwards; utime and
    // stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** CPU seconds so far of each serving process and of this one (the load generator). */
function cpuSnapshot(pids) {
  const usage = process.cpuUsage();
  return {
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)])),
    load: (usage.user + usage.system) / 1e6,
  };
}

/** Cores each process used between two snapshots `seconds` apart (null: not measurable here). */
function coresBetween(before, after, seconds) {
  return Object.fromEntries(
    Object.keys(after).map((name) => [
      name,
      before[name] === null || after[name] === null ? null : (after[name] - before[name]) / seconds,
    ]),
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, what, timeoutMs = 180_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await httpStatus(url)) === 200) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready at ${url} within ${timeoutMs / 1000} s`);
}

/** The corpus: the hand-written dev reviews, real prose of real lengths. */
function corpus() {
  const file = path.join(ROOT, 'training/data/handwritten-dev/reviews.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).text);
}

function ensureModel(name) {
  const model = MODELS[name];
  if (existsSync(path.join(model.dir, 'model-card.json'))) return model;
  if (!model.config) throw new Error(`no model directory at ${model.dir}`);
  console.error(
    `bench-serve: creating the ${name} model from ${model.config} (a few minutes, once)`,
  );
  const made = spawnSync(
    VENV_PYTHON,
    ['-m', 'sentimentops_train', 'all', '--config', model.config, '--out', model.dir, '--json'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (made.status !== 0) throw new Error(`creating the ${name} model failed (exit ${made.status})`);
  return model;
}

/** NATS, inference (champion only) and the gateway, as the stack starts them, on free ports. */
async function startServing(model) {
  const [nats, gatewayPort, grpcPort, inferencePort] = await Promise.all(
    Array.from({ length: 4 }, freePort),
  );
  const store = mkdtempSync(path.join(tmpdir(), 'bench-nats-'));
  const logDir = path.join(BENCH_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const env = {
    ...process.env,
    NATS_URL: `nats://127.0.0.1:${nats}`,
    LOG_LEVEL: 'warn',
    GATEWAY_HTTP_PORT: String(gatewayPort),
    GATEWAY_GRPC_PORT: String(grpcPort),
    // Saturation from one address: the per-client limit would measure itself, not serving.
    GATEWAY_RATE_LIMIT_RPS: '0',
    INFERENCE_HTTP_PORT: String(inferencePort),
    INFERENCE_MODEL_DIR: model.dir,
    INFERENCE_MODEL_VARIANT: model.variant,
    INFERENCE_TRACKS: 'champion',
    SENTIMENTOPS_ADMIN_TOKEN: randomBytes(24).toString('hex'),
  };
  const children = [];
  const pids = {};
  const start = (name, command, argv) => {
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('exit', (code) => {
      if (code !== null && code !== 0) console.error(`${name} exited ${code}: ${stderr}`);
    });
    children.push(child);
    pids[name] = child.pid; // taskset, when pinning, execs the command in the same process
  };
  start(
    'nats',
    ...pinned(pinning?.rest, path.join(ROOT, NATS_SERVER_BIN), [
      '-a',
      '127.0.0.1',
      '-p',
      String(nats),
      '-js',
      '-sd',
      store,
    ]),
  );
  await sleep(300);
  start(
    'inference',
    ...pinned(pinning?.inference, process.execPath, ['dist/apps/inference/src/main.js']),
  );
  start('gateway', ...pinned(pinning?.rest, process.execPath, ['dist/apps/gateway/src/main.js']));
  const inference = `http://127.0.0.1:${inferencePort}`;
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  await waitFor(`${inference}/health/ready`, 'inference');
  await waitFor(`${gateway}/health/ready`, 'gateway');
  return {
    gateway,
    inference,
    pids,
    async stop() {
      for (const c of children.reverse()) c.kill('SIGTERM');
      await sleep(500);
      rmSync(store, { recursive: true, force: true });
    },
  };
}

/** autocannon POSTing one text per request, cycling through the corpus, closed loop (saturation). */
function load(url, texts, { duration }) {
  let next = 0;
  return autocannon({
    url: `${url}/predict`,
    connections,
    duration,
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
}

/**
 * Open-loop load at a constant arrival rate (as k6's constant-arrival-rate and wrk2 do): request i
 * starts at i / rate seconds whatever the earlier ones are doing, so latency includes queueing and
 * the load does not back off when the server slows. autocannon's own rate limit sends each second's
 * requests in a burst at the start of the second, which measures the burst, not the rate.
 */
async function openLoop(url, texts, { rate, duration }) {
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  const total = Math.round(rate * duration);
  const inFlight = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: texts[i % texts.length] }),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - due);
          else errors++;
        },
        () => errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return {
    requests: total,
    ok: latencies.length,
    errors,
    throughput: latencies.length / ((performance.now() - started) / 1000),
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** Sum and count of a histogram's series in a Prometheus text page. */
function histogram(page, name) {
  const total = (suffix) =>
    [...page.matchAll(new RegExp(`^${name}_${suffix}\\{[^}]*\\} ([0-9.e+-]+)$`, 'gm'))].reduce(
      (s, m) => s + Number(m[1]),
      0,
    );
  return { sum: total('sum'), count: total('count') };
}

/** The total of a counter's series whose labels include `label` (e.g. 'kind="real"'). */
function counter(page, name, label) {
  return [...page.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([0-9.e+-]+)$`, 'gm'))]
    .filter((m) => m[1].includes(label))
    .reduce((s, m) => s + Number(m[2]), 0);
}

const metricsOf = async (url) => (await fetch(`${url}/metrics`)).text();

function summarise(result) {
  const ok = result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    errors: result.non2xx + result.errors + result.timeouts,
    throughput: ok / result.duration,
    duration: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** The corpus texts within 25% of its median token length. */
async function evenLengthTexts(model, card, texts) {
  const tokenizer = Tokenizer.fromFile(path.join(model.dir, 'tokenizer.json'));
  tokenizer.setTruncation(card.max_length);
  const lengths = (await tokenizer.encodeBatch(texts)).map((e) => e.getLength());
  const median = [...lengths].sort((a, b) => a - b)[Math.floor(lengths.length / 2)];
  return texts.filter((_, i) => Math.abs(lengths[i] - median) <= 0.25 * median);
}

/** An inference setting as the service will read it: from the environment, else its default. */
const serviceSetting = (key, fallback) =>
  process.env[key] === undefined || process.env[key] === '' ? fallback : Number(process.env[key]);

/** Runs raw-ort.mjs (pinned like inference when asked) and returns its JSON figures. */
function rawOrt(model, card, idsFile, meanBatch, parts, partSeconds) {
  const onnx = model.variant === 'int8' ? card.onnx.int8.file : card.onnx.file;
  const raw = spawnSync(
    ...pinned(pinning?.inference, process.execPath, [
      'scripts/bench/raw-ort.mjs',
      JSON.stringify({
        model: path.join(model.dir, onnx),
        idsFile,
        meanBatch,
        seconds: partSeconds,
        parts,
        workers: serviceSetting('INFERENCE_WORKERS', 1),
        intraOpThreads:
          serviceSetting('INFERENCE_INTRA_OP_THREADS', 0) ||
          Math.max(1, Math.floor(threads / serviceSetting('INFERENCE_WORKERS', 1))),
        maxBatchSize: serviceSetting('INFERENCE_MAX_BATCH_SIZE', 32),
        maxPaddingRatio: serviceSetting('INFERENCE_MAX_PADDING_RATIO', 1.5),
      }),
    ]),
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (raw.status !== 0) throw new Error(`raw-ort failed: ${raw.stderr}`);
  return JSON.parse(raw.stdout);
}

/** What the inference metrics say happened between two scrapes of /metrics. */
function inferenceWork(before, after) {
  const spent = (metric) => histogram(after, metric).sum - histogram(before, metric).sum;
  const size = (page) => histogram(page, 'sentimentops_inference_batch_size');
  const tokens = (kind) =>
    counter(after, 'sentimentops_inference_batch_tokens_total', `kind="${kind}"`) -
    counter(before, 'sentimentops_inference_batch_tokens_total', `kind="${kind}"`);
  return {
    batches: size(after).count - size(before).count,
    texts: size(after).sum - size(before).sum,
    modelSeconds: spent('sentimentops_inference_model_seconds'),
    tokenizeSeconds: spent('sentimentops_inference_tokenize_seconds'),
    realTokens: tokens('real'),
    paddedTokens: tokens('padded'),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function benchModel(name) {
  const model = ensureModel(name);
  const card = JSON.parse(readFileSync(path.join(model.dir, 'model-card.json'), 'utf8'));
  const texts = corpus();
  // Raw onnxruntime-node gets the same texts, pre-tokenised before its clock starts.
  const tokenizer = Tokenizer.fromFile(path.join(model.dir, 'tokenizer.json'));
  tokenizer.setTruncation(card.max_length);
  const ids = (await tokenizer.encodeBatch(texts)).map((e) => e.getIds());
  const idsFile = path.join(BENCH_DIR, `${name}-ids.json`);
  mkdirSync(BENCH_DIR, { recursive: true });
  writeFileSync(idsFile, JSON.stringify(ids));

  const serving = await startServing(model);
  try {
    await load(serving.gateway, texts, { duration: 3 }); // warm-up
    // Saturation and its raw baseline alternate, round by round, so that a machine that slows
    // down or speeds up during the run (a shared host does) weighs on both sides alike. Raw ORT
    // runs while the service sits idle, in batches of the mean size the full path has formed so far.
    const roundSeconds = seconds / rounds;
    const perRound = [];
    const work = [];
    const sum = (key) => work.reduce((s, w) => s + w[key], 0);
    for (let round = 0; round < rounds; round++) {
      const before = await metricsOf(serving.inference);
      const cpuBefore = cpuSnapshot(serving.pids);
      const full = summarise(await load(serving.gateway, texts, { duration: roundSeconds }));
      const cores = coresBetween(cpuBefore, cpuSnapshot(serving.pids), full.duration);
      work.push({ ...inferenceWork(before, await metricsOf(serving.inference)), cores });
      const meanSoFar = sum('texts') / Math.max(1, sum('batches'));
      const raw = rawOrt(model, card, idsFile, meanSoFar, ['policy'], roundSeconds).policy;
      perRound.push({ full, raw, ratio: full.throughput / raw.textsPerSecond });
    }
    const total = (pick) => perRound.reduce((s, r) => s + pick(r), 0);
    const saturation = {
      requests: total((r) => r.full.requests),
      ok: total((r) => r.full.ok),
      errors: total((r) => r.full.errors),
      duration: total((r) => r.full.duration),
      // autocannon gives each round's percentiles, not its samples: the median round's.
      p50: median(perRound.map((r) => r.full.p50)),
      p99: median(perRound.map((r) => r.full.p99)),
    };
    saturation.throughput = saturation.ok / saturation.duration;
    const rawPolicy = {
      texts: total((r) => r.raw.texts),
      seconds: total((r) => r.raw.seconds),
      cells: total((r) => r.raw.cells),
      tokens: total((r) => r.raw.tokens),
    };
    const meanBatch = sum('texts') / Math.max(1, sum('batches'));
    // Cores each process used during saturation, averaged over the rounds; raw ORT's alike.
    const meanOf = (values) =>
      values.includes(null) ? null : values.reduce((a, b) => a + b, 0) / values.length;
    const cores = {
      ...Object.fromEntries(
        Object.keys(work[0].cores).map((k) => [k, meanOf(work.map((w) => w.cores[k]))]),
      ),
      raw: meanOf(perRound.map((r) => r.raw.cores)),
    };
    // Where the inference process's time went: the model (timed in the worker around
    // session.run) against wall time tells idle workers (batching, hand-offs) from a model that
    // runs slower in the service than alone (contention inside the process).
    const busy = {
      model: sum('modelSeconds') / saturation.duration / serviceSetting('INFERENCE_WORKERS', 1),
      tokenize: sum('tokenizeSeconds') / saturation.duration,
      textsPerModelSecond: sum('texts') / Math.max(1e-9, sum('modelSeconds')),
      msPerBatch: (sum('modelSeconds') * 1000) / Math.max(1, sum('batches')),
      paddingRatio: sum('paddedTokens') / Math.max(1, sum('realTokens')),
    };

    const rate = saturation.throughput / 2;
    // The client's connection pool grows on the first requests of an open loop: not measured.
    await openLoop(serving.gateway, texts, { rate, duration: 3 });
    const half = await openLoop(serving.gateway, texts, { rate, duration: seconds });
    // The same rate over texts of about the median token length: what is left of the spread when
    // the texts themselves cost the same (single-text raw latency shows the corpus's own spread).
    const even = await openLoop(serving.gateway, await evenLengthTexts(model, card, texts), {
      rate,
      duration: seconds,
    });
    await serving.stop();

    // For reference: the length-sorted ideal and each text alone, once.
    const reference = rawOrt(model, card, idsFile, meanBatch, ['sorted', 'single'], seconds);
    const rawResult = {
      textsPerSecond: rawPolicy.texts / rawPolicy.seconds,
      paddingRatio: rawPolicy.cells / Math.max(1, rawPolicy.tokens),
      sorted: reference.sorted,
      single: reference.single,
    };
    return {
      model: name,
      label: model.label,
      meanBatch,
      busy,
      cores,
      saturation,
      rounds: perRound.map((r) => ({
        full: r.full.throughput,
        raw: r.raw.textsPerSecond,
        ratio: r.ratio,
      })),
      half,
      even,
      raw: rawResult,
      ratio: saturation.throughput / rawResult.textsPerSecond,
    };
  } catch (err) {
    await serving.stop();
    throw err;
  }
}

const results = [];
for (const name of args.models.split(',')) {
  if (!MODELS[name]) throw new Error(`unknown model "${name}" (known: ${Object.keys(MODELS)})`);
  console.error(`bench-serve: ${name} (${seconds} s per phase, ${connections} connections)`);
  results.push(await benchModel(name));
}

const f = (n, d = 1) => n.toFixed(d);
console.log(
  `\nbench-serve on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), node ${process.version}, ` +
    `single-text POST /predict; saturation: ${connections} connections, closed loop; ` +
    (pinning
      ? `inference and raw ORT on CPU ${pinning.inference}, the rest on ${pinning.rest}; `
      : '') +
    `saturation and raw ORT alternate in ${rounds} rounds; ` +
    `half: open loop at a constant rate of half the saturation throughput; ${seconds} s per phase\n`,
);
console.log(
  '| model | full path texts/s | raw ORT texts/s, same batching | full / raw | raw ORT texts/s, length-sorted | full / sorted | mean batch | padded ÷ real tokens (raw) |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.label} | ${f(r.saturation.throughput)} | ${f(r.raw.textsPerSecond)} | **${f(r.ratio, 2)}** | ` +
      `${f(r.raw.sorted.textsPerSecond)} | ${f(r.saturation.throughput / r.raw.sorted.textsPerSecond, 2)} | ` +
      `${f(r.meanBatch)} | ${f(r.raw.paddingRatio, 2)} |`,
  );
}
for (const r of results) {
  console.log(
    `\n${r.label}, round by round (full / raw texts/s = ratio): ` +
      r.rounds.map((x) => `${f(x.full)} / ${f(x.raw)} = ${f(x.ratio, 2)}`).join('; '),
  );
}
console.log(
  '\n| model | inference worker busy (model time ÷ wall) | texts per model-second, full path | raw ORT texts/s, same batching | model ms per batch, full path | padded ÷ real tokens: full path / raw | tokenisation, summed over requests ÷ wall (concurrent requests overlap) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.label} | ${f(r.busy.model * 100)} % | ${f(r.busy.textsPerModelSecond)} | ${f(r.raw.textsPerSecond)} | ` +
      `${f(r.busy.msPerBatch)} | ${f(r.busy.paddingRatio, 2)} / ${f(r.raw.paddingRatio, 2)} | ${f(r.busy.tokenize * 100)} % |`,
  );
}
console.log(
  '\n| model | cores used during saturation: inference / gateway / NATS / load generator (total) | raw ORT alone |',
);
console.log('|---|---|---|');
for (const r of results) {
  const c = r.cores;
  const shown = (n) => (n === null ? 'n/a' : f(n, 2));
  const parts = [c.inference, c.gateway, c.nats, c.load];
  const total = parts.includes(null) ? null : parts.reduce((a, b) => a + b, 0);
  console.log(
    `| ${r.label} | ${parts.map(shown).join(' / ')} (${shown(total)}) | ${shown(c.raw)} |`,
  );
}
console.log(
  '\n| model | p50 / p99 ms at saturation | p50 / p99 ms at half | p99 ÷ p50 at half | same at half, texts of median length ±25% | one text alone, raw ORT: p50 / p99 ms (p99 ÷ p50) | errors |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of results) {
  const single = r.raw.single;
  console.log(
    `| ${r.label} | ${r.saturation.p50} / ${r.saturation.p99} | ${r.half.p50} / ${r.half.p99} | ` +
      `**${f(r.half.p99 / r.half.p50, 2)}** | ${r.even.p50} / ${r.even.p99} (**${f(r.even.p99 / r.even.p50, 2)}**) | ` +
      `${f(single.p50)} / ${f(single.p99)} (${f(single.p99 / single.p50, 2)}) | ` +
      `${r.saturation.errors + r.half.errors + r.even.errors} |`,
  );
}
mkdirSync(BENCH_DIR, { recursive: true });
const out = path.join(BENCH_DIR, `serve-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  out,
  JSON.stringify({ connections, seconds, cores: cpus().length, pinning, results }, null, 2),
);
console.log(`\nfigures: ${path.relative(ROOT, out)}`);
