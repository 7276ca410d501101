// A retraining run end to end with the local job runner and a tiny training configuration, beside
// a real registry, on a database of their own: labelled feedback arrives as events, a run is
// started over NATS (a second trigger joins it), the training CLI runs each step as a process,
// the candidate and the champion are scored on the same new test split, and the candidate is
// registered with its lineage and made challenger. A run without new data stops, skipped. A
// cancelled run stops its job; a failed run is retried from its failed step, and its dataset is
// the last successful run's plus the new rows. (A controller killed mid-run: the closed-loop e2e.)
import { type INestApplication } from '@nestjs/common';
import { loadConfig } from '@sentimentops/config';
import {
  FeedbackReceived,
  pipelineContracts,
  type PipelineRunView,
  registryContracts,
  rolloutContracts,
} from '@sentimentops/contracts';
import { EventPublisher, NatsRequester } from '@sentimentops/messaging';
import { bootstrap } from '@sentimentops/service-kit';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { RegistryConfig } from '../../apps/registry/src/registry.config.js';
import { RegistryModule } from '../../apps/registry/src/registry.module.js';
import { TrainerControllerConfig } from '../../apps/trainer-controller/src/trainer-controller.config.js';
import { TrainerControllerModule } from '../../apps/trainer-controller/src/trainer-controller.module.js';
import { freePort } from '../support/ports.js';
import { eventually, purgeStreams } from '../support/test-app.js';

const DEMO = path.resolve('models/sentiment-demo');
/** training/configs/tiny.yaml made smaller still: a run takes about a minute on 2 cores. */
const TINY_SET = [
  'data.source.count=600',
  'model.dim=16',
  'model.hidden_dim=32',
  'train.epochs=1',
  'export.quantize_int8=false',
].join(' ');

const REVIEWS: [string, 'positive' | 'negative'][] = [
  ['The blender crushed ice in seconds and still runs quietly.', 'positive'],
  ['The charger stopped working after a week; waste of money.', 'negative'],
  ['Sturdy backpack, the zips are smooth and the straps are comfy.', 'positive'],
  ['The headphones hiss constantly and the left side cuts out.', 'negative'],
];

describe('a retraining run (local job runner, tiny config, real registry)', () => {
  const apps: INestApplication[] = [];
  let requester: NatsRequester;
  let publisher: EventPublisher;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-it-'));

  let controllerPort = 0;
  let controllerEnv: Record<string, string | undefined>;
  const get = (id: string) => requester.request(pipelineContracts.get, { id });

  /** A trainer-controller app; the requester and publisher of the tests go through it. */
  async function startController(env: Record<string, string> = {}): Promise<INestApplication> {
    const port = (controllerPort = await freePort());
    const config = loadConfig(TrainerControllerConfig, {
      ...controllerEnv,
      ...env,
      TRAINER_CONTROLLER_HTTP_PORT: String(port),
    });
    const app = await bootstrap(TrainerControllerModule.forRoot(config), config);
    requester = app.get(NatsRequester);
    publisher = app.get(EventPublisher);
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200,
      60_000,
    );
    return app;
  }

  async function sendFeedback(reviews: [string, 'positive' | 'negative'][]) {
    for (const [text, label] of reviews) {
      const feedbackId = randomUUID();
      await publisher.publish(
        FeedbackReceived,
        { feedbackId, text, label, source: 'api', occurredAt: new Date().toISOString() },
        { messageId: feedbackId },
      );
    }
  }
  async function finished(id: string, timeoutMs = 480_000): Promise<PipelineRunView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await get(id);
      if (['succeeded', 'failed', 'cancelled', 'skipped', 'rejected'].includes(run.state)) {
        return run;
      }
      if (Date.now() > deadline) throw new Error(`run ${id} still ${run.state}`);
      await sleep(1_000);
    }
  }

  beforeAll(async () => {
    const database = `pipeline_it_${Date.now()}`;
    const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${database}`;
    const common = {
      NATS_URL: process.env.TEST_NATS_URL,
      DATABASE_URL: url.toString(),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const registryConfig = loadConfig(RegistryConfig, {
      ...common,
      REGISTRY_HTTP_PORT: String(await freePort()),
      REGISTRY_BOOTSTRAP_MODEL_URI: DEMO,
      // A tiny model is not a good one: the gate's floors are not what this test is about.
      REGISTRY_GATE_MIN_ACCURACY: '0',
      REGISTRY_GATE_MIN_MACRO_F1: '0',
      REGISTRY_GATE_MAX_REGRESSION: '1',
    });
    controllerEnv = {
      ...common,
      TRAINER_CONFIG: 'training/configs/tiny.yaml',
      TRAINER_SET: TINY_SET,
      TRAINER_WORK_DIR: workDir,
      TRAINER_MIN_NEW_ROWS: '1',
      // Nor is the candidate-against-champion policy (champion-comparison.spec.ts, the e2e loop).
      TRAINER_MIN_IMPROVEMENT: '-1',
      TRAINER_MAX_REGRESSION: '1',
      SENTIMENTOPS_VENV: process.env.SENTIMENTOPS_VENV ?? '.cache/venv',
    };
    // The controller consumes these (labelled data, drift, run requests, rollouts): a drift event
    // that the drift suite left would start a run of its own before this suite's.
    await purgeStreams('PREDICTIONS', 'FEEDBACK', 'DRIFT', 'PIPELINES', 'ROLLOUTS');
    apps.push(await bootstrap(RegistryModule.forRoot(registryConfig), registryConfig));
    apps.push(await startController());
    // The registry has registered the bundled model (the champion the candidate is scored against).
    await eventually(async () => {
      const { aliases } = await requester
        .request(registryContracts.listAliases, { modelName: 'sentiment' })
        .catch(() => ({ aliases: [] }));
      return aliases.some((a) => a.alias === 'champion' && a.version === '1');
    }, 60_000);
  }, 180_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('trains on the new labelled data and registers the candidate as challenger with its lineage', async () => {
    await sendFeedback(REVIEWS);
    const started = await requester.request(pipelineContracts.start, {
      trigger: 'manual',
      reason: 'new product reviews',
      actor: 'it-admin',
    });
    expect(started).toMatchObject({ created: true, run: { state: 'pending' } });
    const again = await requester.request(pipelineContracts.start, {
      trigger: 'drift',
      reason: 'drift while running',
      actor: 'drift',
    });
    expect(again).toMatchObject({ created: false, run: { id: started.run.id } });

    const run = await finished(started.run.id);
    expect(run.error ?? null).toBeNull();
    expect(run).toMatchObject({ state: 'succeeded', joinedTriggers: 1 });
    expect(run.outputs).toMatchObject({
      collected: { rows: REVIEWS.length },
      registered: { version: '2' },
    });
    const evaluation = run.outputs.evaluation as {
      testSet: { name: string; sha256: string };
      champion: { version: string } | null;
    };
    expect(evaluation.champion?.version).toBe('1');
    // The new challenger's canary rollout has started (rollout.int-spec.ts follows one through).
    expect(run.outputs.rollout).toMatchObject({ id: expect.any(String) });
    const { rollout } = await requester.request(rolloutContracts.current, {
      modelName: 'sentiment',
    });
    expect(rollout).toMatchObject({ version: '2', state: 'progressing', createdBy: 'pipeline' });

    const lineage = await requester.request(registryContracts.versionLineage, {
      modelName: 'sentiment',
      version: '2',
    });
    expect(lineage.version.status).toBe('challenger');
    expect(lineage.run.jobId).toBe(run.id);
    expect(lineage.dataset.validationReportUri).toMatch(/^file:\/\//);
    const onNewSplit = lineage.evaluations.filter((e) => e.testSet === evaluation.testSet.name);
    expect(onNewSplit.map((e) => e.testSetSha256)).toEqual([evaluation.testSet.sha256]);
    const champion = await requester.request(registryContracts.getVersion, {
      modelName: 'sentiment',
      version: '1',
    });
    expect(
      champion.evaluations.some(
        (e) =>
          e.testSet === evaluation.testSet.name && e.testSetSha256 === evaluation.testSet.sha256,
      ),
    ).toBe(true);
  }, 600_000);

  it('stops a run without new labelled data instead of retraining on the same data', async () => {
    const { run } = await requester.request(pipelineContracts.start, {
      trigger: 'schedule',
      reason: 'nightly',
      actor: 'schedule',
    });
    const ended = await finished(run.id, 60_000);
    expect(ended.state).toBe('skipped');
    expect(ended.error).toMatch(/no new labelled data/);
    const { runs } = await requester.request(pipelineContracts.list, {});
    expect(runs.map((r) => r.state)).toEqual(['skipped', 'succeeded']);

    // The controller's gauges read the same runs from the database when Prometheus scrapes.
    const metrics = await (await fetch(`http://127.0.0.1:${controllerPort}/metrics`)).text();
    const series = (line: string) =>
      metrics.split('\n').some((l) => l.replace(/,app="[^"]*"/, '') === line);
    expect(series('sentimentops_pipeline_runs{state="succeeded"} 1')).toBe(true);
    expect(series('sentimentops_pipeline_runs{state="skipped"} 1')).toBe(true);
    expect(series('sentimentops_pipeline_runs{state="failed"} 0')).toBe(true);
    expect(series('sentimentops_pipeline_active_run{state="training"} 0')).toBe(true);
    const skippedAt = Date.parse(ended.finishedAt!) / 1000;
    expect(
      series(`sentimentops_pipeline_last_finished_timestamp_seconds{state="skipped"} ${skippedAt}`),
    ).toBe(true);
  }, 120_000);

  /**
   * Starts a run on two new reviews and waits until its training job is running. The controller
   * is started again with many epochs first: the tiny training takes under a second, too short
   * to be caught running.
   */
  async function runInTraining(reason: string): Promise<{ id: string; pid: number }> {
    await apps.pop()!.close();
    apps.push(await startController({ TRAINER_SET: `${TINY_SET} train.epochs=400` }));
    await sendFeedback([
      [`The ${reason} toaster browns evenly and the crumb tray slides out.`, 'positive'],
      [`The ${reason} fan rattles loudly and one blade cracked.`, 'negative'],
    ]);
    const { run } = await requester.request(pipelineContracts.start, {
      trigger: 'manual',
      reason,
      actor: 'it-admin',
    });
    await eventually(async () => (await get(run.id)).state === 'training', 240_000, 250);
    const trainPid = path.join(workDir, run.id, 'jobs', 'train.pid');
    await eventually(() => fs.existsSync(trainPid), 60_000, 100);
    // Running: it has logged a training step.
    const log = path.join(workDir, run.id, 'jobs', 'train.log');
    await eventually(
      () => fs.existsSync(log) && /epoch \d+\/400 step/.test(fs.readFileSync(log, 'utf8')),
      120_000,
      200,
    );
    return { id: run.id, pid: Number(fs.readFileSync(trainPid, 'utf8')) };
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('cancels a run mid-training: its training job is stopped and the run ends cancelled', async () => {
    const { id, pid } = await runInTraining('cancel');
    const asked = await requester.request(pipelineContracts.cancel, {
      id,
      actor: 'it-admin',
      reason: 'wrong data',
    });
    expect(asked.state).toBe('training'); // the executor stops the job, then ends the run
    const ended = await finished(id, 60_000);
    expect(ended).toMatchObject({ state: 'cancelled', error: 'cancelled during train' });
    await eventually(() => !alive(pid), 30_000, 100);
    // A cancelled run is not retried; only a failed one is.
    await expect(
      requester.request(pipelineContracts.retry, { id, actor: 'it-admin' }),
    ).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  }, 600_000);

  it('records why a step failed, and a retry runs the failed step again as a new job', async () => {
    const { id, pid } = await runInTraining('retry');
    process.kill(pid, 'SIGKILL'); // the training job dies (e.g. out of memory)
    const failed = await finished(id, 120_000);
    expect(failed).toMatchObject({ state: 'failed', failedStep: 'training' });
    expect(failed.error).toMatch(/^train: /);

    // The cause fixed (here: the controller back to its usual settings), the run is retried.
    await apps.pop()!.close();
    apps.push(await startController());

    const retried = await requester.request(pipelineContracts.retry, {
      id,
      actor: 'it-admin',
      reason: 'the node ran out of memory',
    });
    expect(retried.state).toBe('training');
    const ended = await finished(id);
    expect(ended.error ?? null).toBeNull();
    expect(ended).toMatchObject({ state: 'succeeded', outputs: { attempt: 1 } });
    // Its dataset is the first run's plus its two new rows (data accumulates run by run); the
    // cancelled run's rows are collected again, not lost.
    const { runs } = await requester.request(pipelineContracts.list, {});
    const first = runs.findLast((r) => r.state === 'succeeded' && r.id !== id)!;
    const firstDataset = first.outputs.dataset as { snapshot: { snapshot: string } };
    expect(ended.outputs).toMatchObject({
      collected: { rows: 4, base: { run: first.id, snapshot: firstDataset.snapshot.snapshot } },
      dataset: {
        base: { kind: 'run', run: first.id },
        snapshot: { base: firstDataset.snapshot.snapshot },
      },
    });
    const jobs = fs.readdirSync(path.join(workDir, id, 'jobs'));
    expect(jobs).toEqual(expect.arrayContaining(['train.exit', 'train-retry1.exit']));
    // Steps before the failed one were not run again.
    expect(jobs.filter((f) => f.startsWith('snapshot'))).toEqual(
      expect.not.arrayContaining([expect.stringMatching(/retry/)]),
    );
  }, 600_000);
});
