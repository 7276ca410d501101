/**
 * How the `pipeline` commands print runs for a person. Every value may be missing on the wire
 * (see pipelines.types.ts), so each cell falls back to "-".
 */
import { type Colors } from '../output/colors.js';
import { type Output } from '../output/cli.output.js';
import { formatUptime, NONE, orNone } from '../output/format.js';
import { score, section, time } from '../models/models.view.js';
import {
  type PipelineOutputs,
  type PipelineProgressView,
  type PipelineRunView,
  type ScoredPair,
  type SplitScores,
} from './pipelines.types.js';

/** Table cells cut reasons here: the whole reason is in `pipeline status`. */
const REASON_WIDTH = 40;

export function runsTable(out: Output, runs: readonly PipelineRunView[]): void {
  out.table(
    ['id', 'state', 'trigger', 'reason', 'created', 'finished', 'joined'],
    runs.map((r) => [
      shortId(r.id),
      stateText(r.state, out.colors),
      `${orNone(r.trigger)} by ${orNone(r.requestedBy)}`,
      clip(orNone(r.reason), REASON_WIDTH),
      time(r.createdAt),
      time(r.finishedAt),
      count(r.joinedTriggers),
    ]),
  );
}

/** The whole run: state, who asked and why, how it ended or where it is, what it produced. */
export function runSections(out: Output, run: PipelineRunView): void {
  out.line(
    `${out.colors.bold(`pipeline run ${orNone(run.id)}`)}: ${stateText(run.state, out.colors)}`,
  );
  const progress = progressText(run.progress);
  const ended = outcome(run);
  out.fields([
    ['trigger', `${orNone(run.trigger)} by ${orNone(run.requestedBy)}: ${orNone(run.reason)}`],
    ['created', time(run.createdAt)],
    ['updated', time(run.updatedAt)],
    ['finished', time(run.finishedAt)],
    ['joined', `${count(run.joinedTriggers)} trigger(s) while it was active`],
    ...(progress ? [['progress', progress] as const] : []),
    ...(ended ? [ended] : []),
  ]);
  section(out, 'outputs');
  outputsSections(out, run.outputs ?? {});
}

/**
 * Why a run ended other than well (`failed: at training: ...`, `skipped: no new labelled data`),
 * as a field; undefined for a run that did not.
 */
export function outcome(run: PipelineRunView): readonly [string, string] | undefined {
  if (run.state === 'failed')
    return ['failed', `${run.failedStep ? `at ${run.failedStep}: ` : ''}${orNone(run.error)}`];
  if (run.state === 'skipped' || run.state === 'cancelled' || run.state === 'rejected')
    return [run.state, orNone(run.error)];
  return run.error ? ['error', run.error] : undefined;
}

/** What the finished steps produced, in the order they produce it. */
export function outputsSections(out: Output, outputs: PipelineOutputs): void {
  const { collected, dataset, validation, evaluation, registered } = outputs;
  if (!collected && !dataset && !validation && !evaluation && !registered)
    return out.line('nothing yet');
  const fields: Array<readonly [string, string]> = [];
  if (collected) fields.push(['collected', collectedText(collected)]);
  if (dataset || validation?.summary?.content_sha256)
    fields.push(['dataset', datasetText(outputs)]);
  if (validation) fields.push(['validation', validationText(validation, out.colors)]);
  if (evaluation?.testSet)
    fields.push([
      'test set',
      `${orNone(evaluation.testSet.name)} ${shortSha(evaluation.testSet.sha256)}`,
    ]);
  if (registered)
    fields.push([
      'registered',
      `v${orNone(registered.version)} as challenger; gate ${gateText(registered.gate, out.colors)}`,
    ]);
  out.fields(fields);
  for (const reason of registered?.gate?.reasons ?? []) out.line(`  - ${reason}`);
  if (evaluation) {
    section(out, 'candidate vs champion on the new test split');
    evaluationTable(out, evaluation);
    comparisonSection(out, evaluation);
  }
}

/** The rows this run added (where the candidate should win) and the rest (where it must hold). */
function comparisonSection(out: Output, evaluation: NonNullable<PipelineOutputs['evaluation']>) {
  const { subsets, comparison } = evaluation;
  const pairs = (['added', 'base'] as const)
    .map((rows) => [rows, subsets?.[rows]] as const)
    .filter((p): p is readonly ['added' | 'base', ScoredPair] => p[1] !== undefined);
  if (pairs.length === 0 && !comparison) return;
  section(out, 'macro-F1 on the rows this run added and on the rest');
  out.table(
    ['rows', 'n', 'candidate', 'champion', 'difference'],
    pairs.map(([rows, p]) => {
      const delta = difference(p.candidate?.macro_f1, p.champion?.macro_f1);
      return [
        rows === 'added' ? 'added (new)' : 'base (old)',
        count(p.candidate?.n),
        score(p.candidate?.macro_f1),
        p.champion ? score(p.champion.macro_f1) : 'none',
        delta === undefined ? NONE : `${delta >= 0 ? '+' : ''}${delta.toFixed(4)}`,
      ];
    }),
  );
  // "Passes", not "beats": a negative TRAINER_MIN_IMPROVEMENT lets a weaker candidate through.
  if (comparison?.passed === true) {
    out.line(`verdict: ${out.colors.green('passes the comparison with the champion')}`);
    for (const check of comparison.checks ?? []) out.line(`  - ${check}`);
  }
  if (comparison?.passed === false) {
    out.line(`verdict: ${out.colors.red('fails the comparison with the champion')}`);
    for (const why of comparison.failures ?? []) out.line(`  - ${why}`);
  }
}

function evaluationTable(out: Output, evaluation: NonNullable<PipelineOutputs['evaluation']>) {
  const row = (model: string, s: SplitScores | null | undefined) => [
    model,
    count(s?.n),
    score(s?.accuracy),
    score(s?.macro_f1),
  ];
  const { candidate, champion } = evaluation;
  out.table(
    ['model', 'n', 'accuracy', 'macro-F1'],
    [
      row('candidate', candidate),
      champion
        ? row(`champion v${orNone(champion.version)}`, champion)
        : ['champion', 'none', NONE, NONE],
    ],
  );
  const delta = difference(candidate?.accuracy, champion?.accuracy);
  if (delta !== undefined)
    out.line(`accuracy ${delta >= 0 ? '+' : ''}${delta.toFixed(4)} vs the champion`);
}

/** `train: epoch 2/3, step 360/900 (40%), 41.50 steps/s, ETA 13s`; undefined without numbers. */
export function progressText(
  progress: PipelineProgressView | null | undefined,
): string | undefined {
  if (!progress) return undefined;
  const parts: string[] = [];
  if (isNumber(progress.epoch))
    parts.push(`epoch ${progress.epoch}${isNumber(progress.epochs) ? `/${progress.epochs}` : ''}`);
  if (isNumber(progress.step)) {
    const total =
      isNumber(progress.totalSteps) && progress.totalSteps > 0 ? progress.totalSteps : undefined;
    parts.push(
      `step ${progress.step}${total ? `/${total} (${Math.floor((100 * progress.step) / total)}%)` : ''}`,
    );
  }
  if (isNumber(progress.stepsPerSecond))
    parts.push(`${progress.stepsPerSecond.toFixed(2)} steps/s`);
  if (isNumber(progress.etaSeconds)) parts.push(`ETA ${formatUptime(progress.etaSeconds)}`);
  const text = parts.length > 0 ? parts.join(', ') : progress.message;
  if (!text) return undefined;
  return progress.job ? `${progress.job}: ${text}` : text;
}

/**
 * `succeeded` green, `failed` red, `cancelled`, `skipped` and `rejected` yellow, a run still going
 * as it is.
 */
export function stateText(state: string | undefined, colors: Colors): string {
  if (state === 'succeeded') return colors.green(state);
  if (state === 'failed') return colors.red(state);
  if (state === 'cancelled' || state === 'skipped' || state === 'rejected') {
    return colors.yellow(state);
  }
  return orNone(state);
}

/** The first 8 characters of a uuid: what `pipeline list` shows and the commands accept. */
export function shortId(id: string | undefined): string {
  return id ? id.slice(0, 8) : NONE;
}

function collectedText(c: NonNullable<PipelineOutputs['collected']>): string {
  const range =
    isNumber(c.after) && isNumber(c.upTo) ? ` (after #${c.after}, up to #${c.upTo})` : '';
  const inbox =
    isNumber(c.inboxFiles) && c.inboxFiles > 0 ? `; ${count(c.inboxFiles)} inbox file(s)` : '';
  return `${count(c.rows)} new labelled rows from feedback${range}${inbox}`;
}

/** The snapshot's content hash: what the model card and `models lineage --dataset` name. */
function datasetText({ dataset, validation }: PipelineOutputs): string {
  const hash = dataset?.snapshot?.snapshot ?? validation?.summary?.content_sha256;
  const rows =
    typeof dataset?.snapshot?.rows === 'number' ? `${dataset.snapshot.rows} rows` : undefined;
  const base = baseText(dataset?.base);
  const extra = [rows, base].filter(Boolean).join('; ');
  return `${orNone(hash)}${extra ? ` (${extra})` : ''}`;
}

/** `base <hash>` and, when the base is an earlier run's dataset, `of run <short id>`. */
function baseText(base: unknown): string | undefined {
  if (typeof base === 'string') return `base ${shortSha(base)}`;
  if (typeof base !== 'object' || base === null) return undefined;
  const { sha256, run } = base as { sha256?: unknown; run?: unknown };
  if (typeof sha256 !== 'string') return undefined;
  return `base ${shortSha(sha256)}${typeof run === 'string' ? ` of run ${shortId(run)}` : ''}`;
}

function validationText(v: NonNullable<PipelineOutputs['validation']>, colors: Colors): string {
  const stats = v.summary?.statistics;
  const verdict =
    v.summary?.success === true
      ? colors.green('passed')
      : v.summary?.success === false
        ? colors.red('failed')
        : NONE;
  const expectations =
    stats && isNumber(stats.successful_expectations) && isNumber(stats.evaluated_expectations)
      ? `, ${stats.successful_expectations}/${stats.evaluated_expectations} expectations`
      : '';
  return `${verdict}${expectations} (report ${orNone(v.report)})`;
}

function gateText(
  gate: NonNullable<PipelineOutputs['registered']>['gate'],
  colors: Colors,
): string {
  if (!gate) return 'not evaluated';
  const on = gate.testSet ? ` on ${gate.testSet}` : '';
  if (gate.passed === true) return `${colors.green('passed')}${on}`;
  if (gate.passed === false) return `${colors.red('failed')}${on}`;
  return `${NONE}${on}`;
}

function difference(a: number | undefined, b: number | undefined): number | undefined {
  return isNumber(a) && isNumber(b) ? a - b : undefined;
}

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function count(n: number | null | undefined): string {
  return isNumber(n) ? String(n) : NONE;
}

function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : NONE;
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
