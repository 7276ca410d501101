#!/usr/bin/env node
// `make test-reliability`, faults under load: on a stack of its own (scripts/stack/stack.mjs on
// free ports, a temporary state dir, two inference replicas), one after the other:
//
//   inference  SIGKILL one of two inference replicas under a constant-rate POST /predict load:
//              error rate over the run, recovery time; then `stack up` brings it back.
//   nats       stop NATS (its JetStream store kept) and start it again the way the stack does,
//              while feedback and logged predictions flow: every app ready again within 5 s, and
//              every event JetStream acknowledged is stored by drift (counted end to end).
//   postgres   stop PostgreSQL and start it again under acknowledged writes (feedback, drift
//              reports): every app ready again, every acknowledged write stored.
//
// Prints the figures and the targets; exits 1 when a target is missed, 2 on a usage error.
// The fourth fault of the issue (the trainer-controller killed mid-run resumes the run) is proven
// by test/e2e/closed-loop.e2e-spec.ts, which needs a training run: not repeated here.
//
//   node scripts/reliability/faults.mjs [--only inference,nats,postgres] [--seconds 30]
//     [--kill-at 10] [--load 0.5 | --rate 150] [--events 400] [--outage 3] [--mlflow] [--keep]
import { setTimeout } from 'node:timers';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { parseArgs } from 'node:util';
import {
  corpus,
  latency,
  openLoop,
  postJson,
  quantile,
  saturation,
  summarise,
} from './lib/load.mjs';
import { counter, fixed, metrics, pct, table, Targets } from './lib/report.mjs';
import { log, when, whenReady, withStack } from './lib/stack.mjs';
import { httpStatus, postgresAnswers } from '../stack/lib/probes.mjs';

const SCENARIOS = ['inference', 'nats', 'postgres'];
const TARGET = {
  errorRate: 0.001, // inference kill: failed requests / all requests
  recoveryS: 2, // inference kill: see RECOVERY below
  slowMs: 1000, // a request slower than this counts as "not recovered" (RECOVERY)
  natsReadyS: 5, // every app ready again within this long after NATS is back
  pgReadyS: 30, // every app ready again within this long after PostgreSQL is back
};
const RECOVERY =
  'recovery = completion time of the last request that failed or took longer than ' +
  `${TARGET.slowMs} ms (from its due time), among those answered after the kill, minus the kill time; 0 when none`;

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: SCENARIOS.join(',') },
      seconds: { type: 'string', default: '30' },
      'kill-at': { type: 'string' },
      load: { type: 'string', default: '0.5' },
      rate: { type: 'string' },
      events: { type: 'string', default: '400' },
      outage: { type: 'string', default: '3' },
      mlflow: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const only = values.only.split(',').filter(Boolean);
  const bad = only.filter((s) => !SCENARIOS.includes(s));
  if (bad.length) throw new UsageError(`unknown scenario ${bad} (known: ${SCENARIOS})`);
  const seconds = Number(values.seconds);
  const numbers = {
    seconds,
    killAt: Number(values['kill-at'] ?? seconds / 3),
    load: Number(values.load),
    rate: values.rate === undefined ? undefined : Number(values.rate),
    events: Number(values.events),
    outage: Number(values.outage),
  };
  for (const [k, v] of Object.entries(numbers)) {
    if (v !== undefined && !(v > 0)) throw new UsageError(`--${k} must be a positive number`);
  }
  return { ...values, ...numbers, only };
}

class UsageError extends Error {}

const predict = (gateway, texts) => (i, signal) =>
  postJson(`${gateway}/predict`, { text: texts[i % texts.length] }, signal);

/** SIGKILL inference-2 under load; then `stack up` starts it again. */
async function inferenceKill(stack, opts, targets) {
  const gateway = stack.url('gateway');
  const texts = corpus();
  log('inference: warm-up, then saturation (closed loop, 32 connections, 8 s)');
  await saturation(gateway, texts, { seconds: 3 });
  const sat = await saturation(gateway, texts, { seconds: 8 });
  const rate = opts.rate ?? Math.max(1, Math.round(sat.throughput * opts.load));
  const pid = stack.pid('inference-2');
  log(
    `inference: ${rate} req/s for ${opts.seconds} s; SIGKILL inference-2 (pid ${pid}) at ${opts.killAt} s`,
  );
  const loop = openLoop({ rate, seconds: opts.seconds, send: predict(gateway, texts) });
  let killedAt;
  loop.at(opts.killAt, () => {
    killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
  });
  const records = await loop.done;
  if (killedAt === undefined) throw new Error('the run ended before the kill');
  const gatewayMetrics = await metrics(gateway);
  const hedges = Object.fromEntries(
    ['first_won', 'hedge_won', 'failed'].map((outcome) => [
      outcome,
      counter(gatewayMetrics, 'sentimentops_predict_hedges_total', { outcome }),
    ]),
  );

  const all = summarise(records);
  const isBad = (r) => r.status !== 200 || latency(r) > TARGET.slowMs;
  const after = records.filter((r) => r.end > killedAt);
  const bad = after.filter(isBad);
  const recoveryS = bad.length ? (Math.max(...bad.map((r) => r.end)) - killedAt) / 1000 : 0;
  const inFlight = records.filter((r) => r.due <= killedAt && r.end > killedAt).length;
  const before = records.filter((r) => r.end <= killedAt && r.status === 200).map(latency);
  const settled = records
    .filter((r) => r.due > killedAt + recoveryS * 1000 && r.status === 200)
    .map(latency);

  log('inference: `stack up` to start inference-2 again');
  const restart = await stack.stack('up');
  const replicaReady = (await httpStatus(`${stack.apps()['inference-2']}/health/ready`)) === 200;
  // The restarted replica takes its share again: a short load, then its texts counter.
  const served = async () =>
    counter(await metrics(stack.apps()['inference-2']), 'sentimentops_inference_texts_total');
  const servedBefore = await served();
  await openLoop({ rate: Math.min(rate, 50), seconds: 3, send: predict(gateway, texts) }).done;
  const servedAfter = (await served()) - servedBefore;

  table(
    `Inference replica killed (SIGKILL) under load: ${rate} req/s open loop for ${opts.seconds} s ` +
      `(${opts.rate ? 'fixed by --rate' : `${opts.load} × saturation`}), kill at ${opts.killAt} s`,
    ['figure', 'value'],
    [
      [
        'saturation (closed loop, 32 connections, 8 s)',
        `${fixed(sat.throughput)} req/s (p50 ${sat.p50} / p99 ${sat.p99} ms)`,
      ],
      ['requests', all.requests],
      ['failed (not 200)', `${all.failed} (${JSON.stringify(all.statuses)})`],
      ['error rate', pct(all.errorRate, 3)],
      ['in flight at the kill', inFlight],
      [`answered after the kill: failed or > ${TARGET.slowMs} ms`, bad.length],
      ['recovery time', `${fixed(recoveryS, 2)} s`],
      [
        'latency p50 / p99 before the kill',
        `${fixed(quantile(before, 0.5), 0)} / ${fixed(quantile(before, 0.99), 0)} ms`,
      ],
      [
        'latency p50 / p99 after recovery',
        `${fixed(quantile(settled, 0.5), 0)} / ${fixed(quantile(settled, 0.99), 0)} ms`,
      ],
      ['slowest answer', `${fixed(all.max, 0)} ms`],
      [
        '`stack up` until inference-2 ready',
        `${fixed(restart.seconds, 1)} s (ready: ${replicaReady})`,
      ],
      ['texts inference-2 served in 3 s after its restart', servedAfter],
    ],
  );
  console.log(`\n${RECOVERY}.`);
  const retries = gatewayLog(stack).filter((line) => line.includes('retrying once'));
  console.log(
    `The gateway hedged ${hedges.first_won + hedges.hedge_won + hedges.failed} request(s) ` +
      `(sent a copy after the recent p99: ${JSON.stringify(hedges)}) and retried ` +
      `${retries.length} after a timeout or no responders` +
      (retries.length ? `; the first: ${retries[0].slice(0, 300)}` : '.'),
  );
  targets.check(
    'inference kill: error rate',
    pct(all.errorRate, 3),
    `<= ${pct(TARGET.errorRate, 1)}`,
    all.errorRate <= TARGET.errorRate,
  );
  targets.check(
    'inference kill: recovery',
    `${fixed(recoveryS, 2)} s`,
    `<= ${TARGET.recoveryS} s`,
    recoveryS <= TARGET.recoveryS,
  );
  targets.check(
    'inference kill: replica back and serving',
    `ready ${replicaReady}, ${servedAfter} texts`,
    'ready, serving',
    replicaReady && servedAfter > 0,
  );
}

const gatewayLog = (stack) => {
  try {
    return fs.readFileSync(path.join(stack.stateDir, 'logs', 'gateway.log'), 'utf8').split('\n');
  } catch {
    return [];
  }
};

/**
 * Readiness of every app after `backAt` (performance.now()): seconds until 200, per app, and what
 * its last answer that was not 200 said (which check was still down).
 */
async function readyTimes(stack, backAt, timeoutMs) {
  const apps = stack.apps();
  const results = await Promise.all(
    Object.values(apps).map(async (url) => {
      const { at, last } = await whenReady(url, { timeoutMs });
      return { s: at === undefined ? Infinity : Math.max(0, (at - backAt) / 1000), last };
    }),
  );
  return Object.fromEntries(Object.keys(apps).map((app, i) => [app, results[i]]));
}

/** The slowest app's time, and the apps' last "not ready" answers for the slow ones. */
function slowest(readiness, limitS) {
  const worst = Math.max(...Object.values(readiness).map((r) => r.s));
  for (const [app, r] of Object.entries(readiness)) {
    if (r.s > limitS) console.log(`- ${app} still answered, ${fixed(r.s, 2)} s after: ${r.last}`);
  }
  return worst;
}

/** Polls every app's readiness while `during()` runs: which apps answered other than 200. */
async function watchUnready(stack, during) {
  const unready = new Set();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      await Promise.all(
        Object.entries(stack.apps()).map(async ([app, url]) => {
          if ((await httpStatus(`${url}/health/ready`, 1000)) !== 200) unready.add(app);
        }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    return { result: await during(), unready };
  } finally {
    watching = false;
    await watcher;
  }
}

async function countRows(db, table) {
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM drift.${table}`);
  return rows[0].n;
}

async function withDb(stack, fn) {
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const countIn = (db, table, column, ids) =>
  db
    .query(`SELECT count(*)::int AS n FROM drift.${table} WHERE ${column} = ANY($1::uuid[])`, [ids])
    .then((r) => r.rows[0].n);

/** One answer body per status other than `okStatus` (why those requests were refused). */
function refusals(title, records, okStatus) {
  const seen = new Map();
  for (const r of records) {
    const key = r.status === 0 ? `no answer (${r.error})` : String(r.status);
    if (r.status !== okStatus && !seen.has(key)) seen.set(key, (r.body ?? '').slice(0, 200));
  }
  for (const [status, body] of seen) console.log(`- ${title}, ${status}: ${body}`);
}

const idOf = (r, key) => {
  try {
    return JSON.parse(r.body)[key];
  } catch {
    return undefined;
  }
};

async function loggedPublished(stack) {
  const replicas = Object.entries(stack.apps()).filter(([app]) => app.startsWith('inference'));
  const pages = await Promise.all(replicas.map(([, url]) => metrics(url)));
  const sum = (outcome) =>
    pages.reduce(
      (s, p) => s + counter(p, 'sentimentops_prediction_log_events_total', { outcome }),
      0,
    );
  return { published: sum('published'), failed: sum('failed'), dropped: sum('dropped') };
}

/** Restarts NATS while feedback and predictions flow; then counts what drift stored. */
async function natsRestart(stack, opts, targets) {
  const gateway = stack.url('gateway');
  const texts = corpus();
  const seconds = Math.max(opts.seconds / 2, opts.outage * 3);
  const rate = opts.events / seconds;
  const stopAt = seconds / 3;
  const logBefore = await loggedPublished(stack);
  // Every acknowledged log event must become a row, also those of predictions whose answer did
  // not reach the client (a timeout during the outage, the slower copy of a hedged request): so
  // all rows drift adds are counted against all events published, not only the answered ids.
  const rowsBefore = await withDb(stack, (db) => countRows(db, 'logged_prediction'));
  log(
    `nats: ${opts.events} feedback + ${opts.events} predictions over ${fixed(seconds)} s; NATS stopped at ${fixed(stopAt)} s for ${opts.outage} s`,
  );
  const feedback = openLoop({
    rate,
    seconds,
    send: (i, signal) =>
      postJson(
        `${gateway}/feedback`,
        { text: texts[i % texts.length], label: i % 2 ? 'positive' : 'negative' },
        signal,
      ),
  });
  const predictions = openLoop({ rate, seconds, send: predict(gateway, texts) });
  let stoppedAt;
  let backAt;
  let readiness;
  const outage = new Promise((resolve, reject) =>
    feedback.at(stopAt, () =>
      (async () => {
        stoppedAt = performance.now();
        await stack.stopProcess('nats');
        const { unready } = await watchUnready(stack, async () => {
          await new Promise((r) => setTimeout(r, opts.outage * 1000));
          stack.startProcess('nats');
          backAt = await when(async () => (await httpStatus(stack.natsHealth, 1000)) === 200);
          if (backAt === undefined) throw new Error('NATS did not come back');
        });
        readiness = await readyTimes(stack, backAt, 30_000);
        return unready;
      })().then(resolve, reject),
    ),
  );
  const [fb, pr, unready] = await Promise.all([feedback.done, predictions.done, outage]);

  const acked = fb.filter((r) => r.status === 202).map((r) => idOf(r, 'feedbackId'));
  const answered = pr.filter((r) => r.status === 200).map((r) => idOf(r, 'id'));
  // Drift stores at its own pace (a redelivery waits for its consumer's ack wait): poll.
  let stored;
  for (let tries = 0; tries < 45; tries++) {
    const logged = await loggedPublished(stack);
    stored = await withDb(stack, async (db) => ({
      feedback: await countIn(db, 'feedback', 'feedback_id', acked),
      predictions: (await countRows(db, 'logged_prediction')) - rowsBefore,
      answeredStored: await countIn(db, 'logged_prediction', 'prediction_id', answered),
      published: logged.published - logBefore.published,
      failed: logged.failed - logBefore.failed,
      dropped: logged.dropped - logBefore.dropped,
    }));
    if (stored.feedback === acked.length && stored.predictions >= stored.published) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const lostFeedback = acked.length - stored.feedback;
  const lostPredictions = Math.max(0, stored.published - stored.predictions);
  const fbs = summarise(fb);
  const prs = summarise(pr);

  readinessTable(
    `NATS stopped (SIGTERM) for ${opts.outage} s and started again with its JetStream store, under ` +
      `${fixed(rate)} feedback/s + ${fixed(rate)} predictions/s for ${fixed(seconds)} s`,
    'NATS is back',
    readiness,
    unready,
  );
  const worst = slowest(readiness, TARGET.natsReadyS);
  table(
    'Events counted end to end (drift\'s tables in PostgreSQL; "acknowledged" = JetStream acked it)',
    ['stream', 'sent', 'rejected during the outage', 'acknowledged', 'stored by drift', 'lost'],
    [
      [
        'feedback (202 = acked)',
        fbs.requests,
        `${fbs.failed} ${JSON.stringify(fbs.statuses)}`,
        acked.length,
        stored.feedback,
        lostFeedback,
      ],
      [
        'logged predictions (published counter of the inference replicas)',
        prs.requests,
        `${prs.failed} ${JSON.stringify(prs.statuses)}; log events failed ${stored.failed}, dropped ${stored.dropped}`,
        stored.published,
        stored.predictions,
        lostPredictions,
      ],
    ],
  );
  console.log(
    `\nLogged predictions stored: ${stored.predictions} rows added by drift, ${stored.answeredStored} of ` +
      `them for the ${answered.length} predictions answered 200 (the rest: predictions whose ` +
      'answer did not reach the client, and the slower copies of hedged requests).',
  );
  console.log(
    `\nNATS away for ${fixed((backAt - stoppedAt) / 1000, 2)} s (from the stop signal to /healthz 200 ` +
      `after the start; ${opts.outage} s of it with no process). Refused requests, one answer of each status:`,
  );
  refusals('POST /feedback', fb, 202);
  refusals('POST /predict', pr, 200);
  targets.check(
    'NATS restart: every app ready within 5 s',
    `${fixed(worst, 2)} s (slowest)`,
    `<= ${TARGET.natsReadyS} s`,
    worst <= TARGET.natsReadyS,
  );
  targets.check(
    'NATS restart: acknowledged feedback lost',
    String(lostFeedback),
    '0',
    lostFeedback === 0,
  );
  targets.check(
    'NATS restart: acknowledged prediction events lost',
    String(lostPredictions),
    '0',
    lostPredictions === 0,
  );
  targets.check(
    'NATS restart: some events acknowledged',
    `${acked.length} + ${stored.published}`,
    '> 0',
    acked.length > 0 && stored.published > 0,
  );
}

const TERMINAL = new Set(['succeeded', 'rejected', 'failed', 'cancelled', 'skipped']);
/** Ends the pipeline decides by its own rules: a tiny model is usually rejected against the demo. */
const DECIDED = new Set(['succeeded', 'rejected']);

/**
 * A pipeline run that is executing when PostgreSQL goes: the executor renews its lease, saves
 * progress and polls for cancellation while the training job runs, and each of those writes fails
 * during the outage. Labelled feedback first (TRAINER_MIN_NEW_ROWS), then the run, followed until
 * it has left `pending`; `ended()` follows it to its end.
 */
async function runAcrossOutage(stack, admin, texts) {
  const gateway = stack.url('gateway');
  const getRun = async (id) =>
    (await fetch(`${gateway}/api/pipelines/${id}`, { headers: admin })).json();
  for (let i = 0; i < 60; i++) {
    await postJson(`${gateway}/feedback`, {
      text: texts[i % texts.length],
      label: i % 2 ? 'positive' : 'negative',
    });
  }
  await new Promise((r) => setTimeout(r, 2000)); // the controller captures them from JetStream
  const res = await postJson(
    `${gateway}/api/pipelines`,
    { reason: 'faults.mjs: a run across a PostgreSQL restart' },
    undefined,
    admin,
  );
  const { id } = await res.json();
  if (!id) throw new Error(`POST /api/pipelines answered ${res.status}`);
  let state = 'pending';
  await when(async () => (state = (await getRun(id)).state) === 'training' || TERMINAL.has(state), {
    timeoutMs: 120_000,
    intervalMs: 200,
  });
  log(`postgres: pipeline run ${id} is ${state}`);
  return {
    id,
    pid: stack.pid('trainer-controller'),
    stateAtOutage: state,
    async ended() {
      let run = { state: 'unknown' };
      await when(async () => TERMINAL.has((run = await getRun(id).catch(() => run)).state), {
        timeoutMs: 300_000,
        intervalMs: 1000,
      });
      return run;
    },
  };
}

/** Restarts PostgreSQL under acknowledged writes; then checks each one is stored. */
async function postgresRestart(stack, opts, targets) {
  const gateway = stack.url('gateway');
  const admin = { authorization: `Bearer ${stack.token()}` };
  const texts = corpus();
  const seconds = Math.max(opts.seconds / 2, opts.outage * 4);
  const stopAt = seconds / 3;
  const run = await runAcrossOutage(stack, admin, texts);
  log(
    `postgres: feedback at 10/s and drift checks at 1/s for ${fixed(seconds)} s; PostgreSQL stopped at ${fixed(stopAt)} s for ${opts.outage} s`,
  );
  const feedback = openLoop({
    rate: 10,
    seconds,
    send: (i, signal) =>
      postJson(
        `${gateway}/feedback`,
        { text: texts[i % texts.length], label: i % 2 ? 'positive' : 'negative' },
        signal,
      ),
  });
  const checks = openLoop({
    rate: 1,
    seconds,
    send: (i, signal) => postJson(`${gateway}/api/drift/check`, {}, signal, admin),
    timeoutMs: 20_000,
  });
  let stoppedAt;
  let backAt;
  let readiness;
  const outage = new Promise((resolve, reject) =>
    feedback.at(stopAt, () =>
      (async () => {
        stoppedAt = performance.now();
        await stack.stopProcess('postgres');
        const { unready } = await watchUnready(stack, async () => {
          await new Promise((r) => setTimeout(r, opts.outage * 1000));
          stack.startProcess('postgres');
          backAt = await when(() => postgresAnswers(stack.databaseUrl), {
            timeoutMs: 120_000,
            intervalMs: 100,
          });
          if (backAt === undefined) throw new Error('PostgreSQL did not come back');
        });
        readiness = await readyTimes(stack, backAt, TARGET.pgReadyS * 2000);
        return unready;
      })().then(resolve, reject),
    ),
  );
  const [fb, ch, unready] = await Promise.all([feedback.done, checks.done, outage]);
  const ackedFeedback = fb.filter((r) => r.status === 202).map((r) => idOf(r, 'feedbackId'));
  const ackedReports = ch.filter((r) => r.status === 200).map((r) => idOf(r, 'id'));
  let stored;
  for (let tries = 0; tries < 30; tries++) {
    stored = await withDb(stack, async (db) => ({
      feedback: await countIn(db, 'feedback', 'feedback_id', ackedFeedback),
      reports: await countIn(db, 'drift_report', 'id', ackedReports),
    }));
    if (stored.feedback === ackedFeedback.length && stored.reports === ackedReports.length) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const fbs = summarise(fb);
  const chs = summarise(ch);
  const lost = ackedFeedback.length - stored.feedback + (ackedReports.length - stored.reports);

  readinessTable(
    `PostgreSQL stopped (fast shutdown) for ${opts.outage} s and started again on its data dir`,
    'PostgreSQL accepts queries',
    readiness,
    unready,
  );
  const worst = slowest(readiness, TARGET.pgReadyS);
  table(
    'Acknowledged writes across the restart',
    ['write', 'sent', 'not acknowledged', 'acknowledged', 'stored afterwards', 'lost'],
    [
      [
        'feedback (202: JetStream acked; drift stores it in PostgreSQL)',
        fbs.requests,
        `${fbs.failed} ${JSON.stringify(fbs.statuses)}`,
        ackedFeedback.length,
        stored.feedback,
        ackedFeedback.length - stored.feedback,
      ],
      [
        'drift check (200: report row committed)',
        chs.requests,
        `${chs.failed} ${JSON.stringify(chs.statuses)}`,
        ackedReports.length,
        stored.reports,
        ackedReports.length - stored.reports,
      ],
    ],
  );
  console.log(
    `\nPostgreSQL away for ${fixed((backAt - stoppedAt) / 1000, 2)} s (from the stop signal until it ` +
      `accepts a login and a query after the start; ${opts.outage} s of it with no process). ` +
      'Refused requests, one answer of each status:',
  );
  refusals('POST /feedback', fb, 202);
  refusals('POST /api/drift/check', ch, 200);
  const ended = await run.ended();
  console.log(
    `\nPipeline run ${run.id}: ${run.stateAtOutage} when PostgreSQL stopped; ended ${ended.state}` +
      (ended.error ? ` (${ended.error})` : '') +
      `; trainer-controller pid ${run.pid} -> ${stack.pid('trainer-controller')}.`,
  );
  targets.check(
    'PostgreSQL restart: every app ready again',
    `${fixed(worst, 2)} s (slowest)`,
    `<= ${TARGET.pgReadyS} s`,
    worst <= TARGET.pgReadyS,
  );
  targets.check('PostgreSQL restart: acknowledged writes lost', String(lost), '0', lost === 0);
  targets.check(
    'PostgreSQL restart: the trainer-controller kept running (same process)',
    `pid ${run.pid} -> ${stack.pid('trainer-controller')}`,
    'same pid',
    run.pid === stack.pid('trainer-controller'),
  );
  targets.check(
    'PostgreSQL restart: the pipeline run going across it ran to its end',
    ended.state,
    'succeeded or rejected',
    DECIDED.has(ended.state),
  );
  targets.check(
    'PostgreSQL restart: some writes acknowledged',
    `${ackedFeedback.length} + ${ackedReports.length}`,
    '> 0',
    ackedFeedback.length > 0 && ackedReports.length > 0,
  );
}

async function main() {
  const opts = options();
  const targets = new Targets();
  const runs = { inference: inferenceKill, nats: natsRestart, postgres: postgresRestart };
  await withStack(
    'faults',
    {
      mlflow: opts.mlflow,
      keep: opts.keep,
      extraEnv: {
        INFERENCE_REPLICAS: '2',
        INFERENCE_LOG_SAMPLE_RATE: '1',
        // The pipeline run of the PostgreSQL fault trains the tiny model (seconds, not minutes).
        TRAINER_CONFIG: 'training/configs/tiny.yaml',
        TRAINER_SET: 'data.source.count=3000 train.epochs=2 export.quantize_int8=false',
      },
    },
    async (stack) => {
      for (const name of opts.only) {
        await runs[name](stack, opts, targets);
        // Whatever a fault left behind is put right before the next one.
        await stack.stack('up');
      }
    },
  );
  console.log(
    '\nThe trainer-controller killed mid-run (SIGKILL) resumes its run: test/e2e/closed-loop.e2e-spec.ts.',
  );
  return targets.print();
}

/** Each app: whether it went unready during an outage, and how long after `back` it was ready. */
function readinessTable(title, back, readiness, unready) {
  table(
    title,
    ['app', 'went unready during the outage', `ready again after ${back}`],
    Object.entries(readiness).map(([app, r]) => [
      app,
      unready.has(app) ? 'yes' : 'no',
      `${fixed(r.s, 2)} s`,
    ]),
  );
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(
    `error: ${err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS') ? err.message : (err?.stack ?? err)}`,
  );
  process.exitCode = err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS') ? 2 : 1;
}
// Pending timers or sockets of a failed run must not keep the process alive.
process.exit(process.exitCode);
