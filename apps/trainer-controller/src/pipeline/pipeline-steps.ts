import { Injectable } from '@nestjs/common';
import { type PipelineState, registryContracts } from '@sentimentops/contracts';
import { NatsRequester } from '@sentimentops/messaging';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LabelledData } from '../capture/labelled-data.js';
import { TrainerControllerConfig } from '../trainer-controller.config.js';
import { PipelineRuns, type RunRow } from './pipeline-runs.js';

export type StepOutcome =
  | { kind: 'next'; to: PipelineState; outputs: Record<string, unknown> }
  | {
      kind: 'end';
      to: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
      error?: string;
      failedStep?: string;
    };

export interface StepContext {
  workDir: string;
  /** Runs one training-CLI job of the step and returns its `--json` summary. */
  job(step: string, args: string[], gpus?: number): Promise<Record<string, unknown>>;
}

interface Evaluated {
  test_set: { name: string; sha256: string };
  metrics: { n: number; accuracy: number; macro_f1: number };
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
        // The canary rollout arrives with its own capability; until then a run ends with the
        // new version as challenger.
        return Promise.resolve({ kind: 'end', to: 'succeeded' });
      default:
        throw new Error(`no step for state ${state}`);
    }
  }

  /** The labelled data that arrived since the last successful run, as a JSONL file. */
  private async collect(ctx: StepContext): Promise<StepOutcome> {
    const previous = (await this.previousWatermark()) ?? 0;
    const rows = await this.labelled.rowsAfter(previous, this.config.TRAINER_MAX_NEW_ROWS);
    if (rows.length < this.config.TRAINER_MIN_NEW_ROWS) {
      return {
        kind: 'end',
        to: 'skipped',
        error:
          `no new labelled data: ${rows.length} row(s) since the last successful run ` +
          `(at least ${this.config.TRAINER_MIN_NEW_ROWS} needed); not retraining on the same data`,
      };
    }
    fs.mkdirSync(ctx.workDir, { recursive: true });
    const file = path.join(ctx.workDir, 'feedback.jsonl');
    fs.writeFileSync(
      file,
      rows.map((r) => JSON.stringify({ text: r.text, label: r.label })).join('\n') + '\n',
    );
    return next('building-dataset', {
      collected: { rows: rows.length, after: previous, upTo: rows.at(-1)!.seq, file },
    });
  }

  /** Where the last successful run stopped reading labelled data. */
  private async previousWatermark(): Promise<number | undefined> {
    const last = await this.runs.lastSucceeded();
    return (last?.outputs.collected as { upTo?: number } | undefined)?.upTo;
  }

  /** The base dataset (the configuration's source, rebuilt the same way) plus the new rows. */
  private async buildDataset(run: RunRow, ctx: StepContext): Promise<StepOutcome> {
    const base = path.join(ctx.workDir, 'base');
    const baseSummary = await ctx.job('base-dataset', [
      'ingest',
      ...this.configArgs(base),
      '--json',
    ]);
    const collected = run.outputs.collected as { file: string };
    const snapshot = await ctx.job('snapshot', [
      'snapshot',
      ...this.configArgs(ctx.workDir),
      '--dataset',
      path.join(base, 'dataset'),
      '--feedback',
      collected.file,
      '--out',
      path.join(ctx.workDir, 'dataset'),
      '--json',
    ]);
    return next('validating', {
      dataset: {
        base: pick(baseSummary, 'content_sha256', 'dataset'),
        snapshot,
        path: path.join(ctx.workDir, 'dataset'),
      },
    });
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
    const train = await ctx.job(
      'train',
      ['train', ...this.configArgs(ctx.workDir), '--json'],
      this.config.TRAINER_GPUS,
    );
    return next('evaluating', { training: { tokenizer, train } });
  }

  /** The candidate, exported, and the champion, scored on the same new test split. */
  private async evaluate(run: RunRow, ctx: StepContext): Promise<StepOutcome> {
    const model = path.join(ctx.workDir, 'model');
    await ctx.job('evaluate', ['evaluate', ...this.configArgs(ctx.workDir), '--json']);
    await ctx.job('export', ['export', ...this.configArgs(ctx.workDir), '--out', model, '--json']);
    const champion = await this.champion();
    const scoreOn = (step: string, dir: string) =>
      ctx.job(step, [
        'evaluate-model',
        ...this.configArgs(ctx.workDir),
        '--model-dir',
        dir,
        '--split',
        'test',
        '--json',
      ]) as Promise<unknown> as Promise<Evaluated>;
    const candidate = await scoreOn('score-candidate', model);
    const incumbent = champion ? await scoreOn('score-champion', champion.dir) : undefined;
    return next('registering', {
      model,
      evaluation: {
        testSet: candidate.test_set,
        candidate: candidate.metrics,
        champion: incumbent ? { version: champion!.version, ...incumbent.metrics } : null,
      },
    });
  }

  /** Registers the candidate with its lineage and both evaluations, and asks for challenger. */
  private async register(run: RunRow): Promise<StepOutcome> {
    const modelName = this.config.TRAINER_MODEL_NAME;
    const model = run.outputs.model as string;
    const dataset = run.outputs.dataset as { path: string };
    const validation = run.outputs.validation as { report: string };
    const evaluation = run.outputs.evaluation as {
      testSet: { name: string; sha256: string };
      candidate: Evaluated['metrics'];
      champion: (Evaluated['metrics'] & { version: string }) | null;
    };
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
    const record = (v: string, m: Evaluated['metrics']) =>
      this.requester.request(
        registryContracts.recordEvaluation,
        {
          modelName,
          version: v,
          testSet: evaluation.testSet.name,
          testSetSha256: evaluation.testSet.sha256,
          metrics: { n: m.n, accuracy: m.accuracy, macroF1: m.macro_f1 },
          actor: 'pipeline',
        },
        timeout,
      );
    await record(version.version, evaluation.candidate);
    if (evaluation.champion) await record(evaluation.champion.version, evaluation.champion);
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

  private async champion(): Promise<{ version: string; dir: string } | undefined> {
    const modelName = this.config.TRAINER_MODEL_NAME;
    const { aliases } = await this.requester.request(registryContracts.listAliases, { modelName });
    const version = aliases.find((a) => a.alias === 'champion')?.version;
    if (!version) return undefined;
    const detail = await this.requester.request(registryContracts.getVersion, {
      modelName,
      version,
    });
    if (!detail.artifactUri.startsWith('file://')) {
      throw new Error(`the champion's artifact ${detail.artifactUri} is not local`);
    }
    return { version, dir: fileURLToPath(detail.artifactUri) };
  }

  private configArgs(outputDir: string): string[] {
    return [
      '--config',
      this.config.TRAINER_CONFIG,
      ...this.config.trainingOverrides().flatMap((o) => ['--set', o]),
      '--set',
      `output_dir=${outputDir}`,
    ];
  }
}

const next = (to: PipelineState, outputs: Record<string, unknown> = {}): StepOutcome => ({
  kind: 'next',
  to,
  outputs,
});

function pick(summary: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (k in summary) return summary[k];
  return undefined;
}
