import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type PipelineState,
  registryContracts,
  ServiceException,
} from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LabelledData } from '../capture/labelled-data.js';
import { Rollouts } from '../rollouts/rollouts.js';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { compareWithChampion, type Comparison, type ScoredPair } from './champion-comparison.js';
import { PipelineRuns, type RunRow } from './pipeline-runs.js';

export type StepOutcome =
  | { kind: 'next'; to: PipelineState; outputs: Record<string, unknown> }
  | {
      kind: 'end';
      to: 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'rejected';
      error?: string;
      failedStep?: string;
    };

export interface StepContext {
  workDir: string;
  /** Runs one training-CLI job of the step and returns its `--json` summary. */
  job(step: string, args: string[], gpus?: number): Promise<Record<string, unknown>>;
}

interface Evaluated {
  test_set: { name: string; sha256: string; rows: number };
  metrics: { n: number; accuracy: number; macro_f1: number };
}

interface Collected {
  rows: number;
  after: number;
  upTo: number;
  file: string | null;
  inboxFiles: number;
  /** The last successful run, whose dataset this run adds to (none: the config's source). */
  base: { run: string; snapshot: string } | null;
}

/** What `snapshot --json` says of a new dataset version. */
interface Snapshot {
  snapshot: string;
  base: string;
  added: Record<'train' | 'validation' | 'test', number>;
}

interface Evaluation extends ScoredPair {
  subsets: { added?: ScoredPair; base?: ScoredPair };
  comparison: Comparison;
}

/**
 * What each state of a run does, as jobs of the training CLI in the run's folder
 * (`--set output_dir=<run folder>`, training/README.md "Pipeline steps"), and where it goes next.
 * Every step can run again from the start: its jobs are found again, its outputs replaced whole.
 */
@Injectable()
export class PipelineSteps {
  constructor(
    private readonly labelled: LabelledData,
    private readonly runs: PipelineRuns,
    private readonly requester: NatsRequester,
    private readonly rollouts: Rollouts,
    private readonly config: TrainerControllerConfig,
  ) {}

  run(state: PipelineState, run: RunRow, ctx: StepContext): Promise<StepOutcome> {
    switch (state) {
      case 'pending':
        return Promise.resolve(next('collecting'));
      case 'collecting':
        return this.collect(ctx);
      case 'building-dataset':
        return this.buildDataset(run, ctx);
      case 'validating':
        return this.validate(ctx);
      case 'training':
        return this.train(ctx);
      case 'evaluating':
        return this.evaluate(run, ctx);
      case 'registering':
        return this.register(run);
      case 'rolling-out':
        return this.rollOut(run);
      default:
        throw new Error(`no step for state ${state}`);
    }
  }

  /**
   * The labelled data that arrived since the last successful run (feedback with its text, as a
   * JSONL file) and the files waiting in the inbox. The last successful run is also the base:
   * its dataset already holds everything before its watermark, so data accumulates run by run.
   */
  private async collect(ctx: StepContext): Promise<StepOutcome> {
    const last = await this.runs.lastSucceeded();
    const after = (last?.outputs.collected as { upTo?: number } | undefined)?.upTo ?? 0;
    const lastSnapshot = (last?.outputs.dataset as { snapshot?: Snapshot } | undefined)?.snapshot;
    const rows = await this.labelled.rowsAfter(after, this.config.TRAINER_MAX_NEW_ROWS);
    const inboxFiles = this.inboxFiles();
    if (rows.length < this.config.TRAINER_MIN_NEW_ROWS && inboxFiles === 0) {
      return {
        kind: 'end',
        to: 'skipped',
        error:
          `no new labelled data: ${rows.length} row(s) since the last successful run ` +
          `(at least ${this.config.TRAINER_MIN_NEW_ROWS} needed) and no file in the inbox; ` +
          'not retraining on the same data',
      };
    }
    fs.mkdirSync(ctx.workDir, { recursive: true });
    let file: string | null = null;
    if (rows.length > 0) {
      file = path.join(ctx.workDir, 'feedback.jsonl');
      fs.writeFileSync(
        file,
        rows.map((r) => JSON.stringify({ text: r.text, label: r.label })).join('\n') + '\n',
      );
    }
    const collected: Collected = {
      rows: rows.length,
      after,
      upTo: rows.at(-1)?.seq ?? after,
      file,
      inboxFiles,
      base: last && lastSnapshot ? { run: last.id, snapshot: lastSnapshot.snapshot } : null,
    };
    return next('building-dataset', { collected });
  }

  /** Data files waiting in the inbox (not hidden, not in processed/). */
  private inboxFiles(): number {
    const inbox = this.config.TRAINER_INBOX;
    if (!inbox || !fs.existsSync(inbox)) return 0;
    return fs
      .readdirSync(inbox, { withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('.') && INBOX_DATA.test(e.name)).length;
  }

  /**
   * The new dataset version: the last successful run's dataset (from the store), or the first
   * time the configuration's source, plus the new rows. Rows already in the base are left out;
   * when nothing is new the run stops instead of training on the same data.
   */
  private async buildDataset(run: RunRow, ctx: StepContext): Promise<StepOutcome> {
    const collected = run.outputs.collected as Collected;
    const out = path.join(ctx.workDir, 'dataset');
    const newData = [
      ...(collected.file ? ['--feedback', collected.file] : []),
      ...(collected.inboxFiles > 0 ? ['--inbox', path.resolve(this.config.TRAINER_INBOX!)] : []),
    ];
    let base: { kind: 'run' | 'config'; run?: string; sha256: unknown };
    let from: string[];
    if (collected.base) {
      base = { kind: 'run', run: collected.base.run, sha256: collected.base.snapshot };
      from = ['--base', collected.base.snapshot];
    } else {
      const baseDir = path.join(ctx.workDir, 'base');
      const ingested = await ctx.job('base-dataset', [
        'ingest',
        ...this.configArgs(baseDir),
        '--json',
      ]);
      base = { kind: 'config', sha256: ingested.content_sha256 };
      from = ['--dataset', path.join(baseDir, 'dataset')];
    }
    const snapshot = (await ctx.job('snapshot', [
      'snapshot',
      ...this.configArgs(ctx.workDir),
      ...from,
      ...newData,
      '--out',
      out,
      '--json',
    ])) as unknown as Snapshot;
    const added = Object.values(snapshot.added).reduce((a, b) => a + b, 0);
    if (added === 0) {
      return {
        kind: 'end',
        to: 'skipped',
        error:
          `no new labelled data: all ${collected.rows} collected row(s) are already in the ` +
          `dataset (snapshot ${snapshot.snapshot.slice(0, 12)}); not retraining on the same data`,
      };
    }
    return next('validating', { dataset: { base, snapshot, path: out } });
  }

  private async validate(ctx: StepContext): Promise<StepOutcome> {
    const report = path.join(ctx.workDir, 'validation-report.json');
    try {
      const summary = await ctx.job('validate', [
        'validate',
        ...this.configArgs(ctx.workDir),
        '--report',
        report,
        '--json',
      ]);
      return next('training', { validation: { report, summary } });
    } catch (err) {
      throw new Error(
        `validation failed, not training: ${err instanceof Error ? err.message : String(err)} ` +
          `(report: ${report})`,
      );
    }
  }

  private async train(ctx: StepContext): Promise<StepOutcome> {
    const tokenizer = await ctx.job('tokenizer', [
      'tokenizer',
      ...this.configArgs(ctx.workDir),
      '--json',
    ]);
    const pretrain = this.config.TRAINER_PRETRAIN
      ? await ctx.job(
          'pretrain',
          ['pretrain', ...this.configArgs(ctx.workDir), '--json'],
          this.config.TRAINER_GPUS,
        )
      : undefined;
    const train = await ctx.job(
      'train',
      ['train', ...this.configArgs(ctx.workDir), '--json'],
      this.config.TRAINER_GPUS,
    );
    return next('evaluating', { training: { tokenizer, ...(pretrain && { pretrain }), train } });
  }

  /** The candidate, exported, and the champion, scored on the same new test split. */
  private async evaluate(run: RunRow, ctx: StepContext): Promise<StepOutcome> {
    const model = path.join(ctx.workDir, 'model');
    await ctx.job('evaluate', ['evaluate', ...this.configArgs(ctx.workDir), '--json']);
    await ctx.job('export', ['export', ...this.configArgs(ctx.workDir), '--out', model, '--json']);
    const champion = await this.champion();
    const scoreOn = (step: string, dir: string, extra: string[]) =>
      ctx.job(step, [
        'evaluate-model',
        ...this.configArgs(ctx.workDir),
        '--model-dir',
        dir,
        '--split',
        'test',
        ...extra,
        '--json',
      ]) as Promise<unknown> as Promise<Evaluated>;
    const pair = async (rows: 'all' | 'added' | 'base'): Promise<ScoredPair> => {
      const suffix = rows === 'all' ? '' : `-${rows}`;
      const args = rows === 'all' ? [] : ['--rows', rows];
      const candidate = await scoreOn(`score-candidate${suffix}`, model, args);
      const incumbent = champion
        ? await scoreOn(`score-champion${suffix}`, champion.artifactUri, args)
        : undefined;
      if (incumbent && incumbent.test_set.sha256 !== candidate.test_set.sha256) {
        throw new Error(
          `candidate and champion were scored on different rows of ${candidate.test_set.name}`,
        );
      }
      return {
        testSet: candidate.test_set,
        candidate: candidate.metrics,
        champion: incumbent ? { version: champion!.version, ...incumbent.metrics } : null,
      };
    };
    const all = await pair('all');
    const added = run.outputs.dataset as { snapshot: Snapshot; base: { kind: string } };
    // Added rows exist in the test split only when the hash of enough new texts put them there.
    const subsets = {
      added: added.snapshot.added.test > 0 ? await pair('added') : undefined,
      base: await pair('base'),
    };
    const comparison = compareWithChampion(subsets, {
      minImprovement: this.config.TRAINER_MIN_IMPROVEMENT,
      maxRegression: this.config.TRAINER_MAX_REGRESSION,
    });
    const evaluation: Evaluation = { ...all, subsets, comparison };
    return next('registering', { model, evaluation });
  }

  /**
   * Registers the candidate with its lineage and the evaluations of both models, then asks for
   * challenger, or ends the run `rejected` when the candidate did not beat the champion on the
   * new rows or fell behind it on the old (it stays registered, with its evaluations, for review).
   */
  private async register(run: RunRow): Promise<StepOutcome> {
    const modelName = this.config.TRAINER_MODEL_NAME;
    const model = run.outputs.model as string;
    const dataset = run.outputs.dataset as { path: string };
    const validation = run.outputs.validation as { report: string };
    const evaluation = run.outputs.evaluation as Evaluation;
    const timeout = this.config.NATS_REQUEST_TIMEOUT_MS * 12;
    const { version } = await this.requester.request(
      registryContracts.registerVersion,
      {
        modelName,
        artifactUri: pathToFileURL(model).href,
        actor: 'pipeline',
        jobId: run.id,
        validationReportUri: pathToFileURL(validation.report).href,
        datasetUri: pathToFileURL(dataset.path).href,
      },
      timeout,
    );
    const record = (v: string, on: ScoredPair['testSet'], m: Evaluated['metrics']) =>
      this.requester.request(
        registryContracts.recordEvaluation,
        {
          modelName,
          version: v,
          testSet: on.name,
          testSetSha256: on.sha256,
          metrics: { n: m.n, accuracy: m.accuracy, macroF1: m.macro_f1 },
          actor: 'pipeline',
        },
        timeout,
      );
    const pairs = [evaluation, evaluation.subsets.added, evaluation.subsets.base];
    for (const p of pairs.filter((p): p is ScoredPair => p !== undefined)) {
      await record(version.version, p.testSet, p.candidate);
      if (p.champion) await record(p.champion.version, p.testSet, p.champion);
    }
    if (!evaluation.comparison.passed) {
      return {
        kind: 'end',
        to: 'rejected',
        error:
          `version ${version.version} is registered but not challenger: ` +
          evaluation.comparison.failures.join('; '),
      };
    }
    const set = await this.requester.request(
      registryContracts.setAlias,
      {
        modelName,
        alias: 'challenger',
        version: version.version,
        reason: `pipeline run ${run.id} (${run.trigger}: ${run.reason})`.slice(0, 1000),
        actor: 'pipeline',
        source: 'pipeline',
      },
      timeout,
    );
    return next('rolling-out', {
      registered: { version: version.version, gate: set.gate ?? null },
    });
  }

  /**
   * Starts the canary rollout of the new challenger (TRAINER_AUTO_ROLLOUT), whose analysis then
   * promotes or rolls it back; the run's work is done either way. A rollout that cannot start
   * (another one is active, the version stopped being challenger) is said in the outputs.
   */
  private async rollOut(run: RunRow): Promise<StepOutcome> {
    const registered = run.outputs.registered as { version: string } | undefined;
    if (!this.config.TRAINER_AUTO_ROLLOUT || !registered) return next('succeeded');
    const modelName = this.config.TRAINER_MODEL_NAME;
    try {
      const rollout = await this.rollouts.start({
        modelName,
        version: registered.version,
        actor: 'pipeline',
        reason: `pipeline run ${run.id}`,
      });
      return next('succeeded', { rollout: { id: rollout.id } });
    } catch (err) {
      if (!(err instanceof ServiceException)) throw err;
      if (err.code !== ErrorCode.Conflict && err.code !== ErrorCode.FailedPrecondition) throw err;
      // Started before this controller stopped mid-step: a rollout of its version is this run's.
      const current = await this.rollouts.current(modelName);
      if (current?.version === registered.version) {
        return next('succeeded', { rollout: { id: current.id } });
      }
      return next('succeeded', { rollout: { started: false, why: err.message } });
    }
  }

  /**
   * The champion and where its model directory is, as the registry has it: file:// or gs://,
   * both of which `evaluate-model --model-dir` reads (a gs:// one is fetched and checked).
   */
  private async champion(): Promise<{ version: string; artifactUri: string } | undefined> {
    const modelName = this.config.TRAINER_MODEL_NAME;
    const { aliases } = await this.requester.request(registryContracts.listAliases, { modelName });
    const version = aliases.find((a) => a.alias === 'champion')?.version;
    if (!version) return undefined;
    const detail = await this.requester.request(registryContracts.getVersion, {
      modelName,
      version,
    });
    return { version, artifactUri: detail.artifactUri };
  }

  private configArgs(outputDir: string): string[] {
    return [
      '--config',
      this.config.TRAINER_CONFIG,
      '--set',
      `versioning.store=${this.config.datasetStore()}`,
      ...this.config.trainingOverrides().flatMap((o) => ['--set', o]),
      '--set',
      `output_dir=${outputDir}`,
    ];
  }
}

/** The inbox file names snapshot --inbox reads (versioning/combine.py, ingest's formats). */
const INBOX_DATA = /\.(csv|tsv|jsonl|ndjson|parquet|pq)$/i;

const next = (to: PipelineState, outputs: Record<string, unknown> = {}): StepOutcome => ({
  kind: 'next',
  to,
  outputs,
});
