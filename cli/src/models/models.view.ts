/**
 * How the `models` commands print the registry's replies for a person. Every value may be missing
 * on the wire (see models.types.ts), so each cell falls back to "-".
 */
import { type Colors } from '../output/colors.js';
import { type Output } from '../output/cli.output.js';
import { formatUptime, NONE, orNone, shortCommit } from '../output/format.js';
import {
  type AliasView,
  type AuditEvent,
  type Dataset,
  type Evaluation,
  type ModelVersionSummary,
  type Scores,
  type TrainingRun,
  type VersionLineageReply,
} from './models.types.js';

/** The test set `models list` shows: hand-written reviews, the platform's gate set. */
export const HEADLINE_TEST_SET = 'handwritten';

export function versionsTable(
  out: Output,
  versions: readonly ModelVersionSummary[],
  { withModel = false } = {},
): void {
  const head = ['version', 'status', 'aliases', 'accuracy', 'created', 'by'];
  out.table(
    withModel ? ['model', ...head] : head,
    versions.map((v) => {
      const row = [
        orNone(v.version),
        statusText(v.status, out.colors),
        list(v.aliases),
        headlineAccuracy(v.metrics),
        time(v.createdAt),
        orNone(v.createdBy),
      ];
      return withModel ? [orNone(v.modelName), ...row] : row;
    }),
  );
}

/** `0.9700 handwritten`, else the first test set the card lists. */
export function headlineAccuracy(metrics: Record<string, Scores> | undefined): string {
  const entries = Object.entries(metrics ?? {});
  const chosen = entries.find(([name]) => name === HEADLINE_TEST_SET) ?? entries[0];
  return chosen ? `${score(chosen[1]?.accuracy)} ${chosen[0]}` : NONE;
}

export function versionFields(out: Output, v: ModelVersionSummary): void {
  const mlflow = [
    v.mlflowRunId && `run ${v.mlflowRunId}`,
    v.mlflowVersion && `model version ${v.mlflowVersion}`,
  ].filter(Boolean);
  out.fields([
    ['status', statusText(v.status, out.colors)],
    ['aliases', list(v.aliases)],
    ['artifact', orNone(v.artifactUri)],
    ['format', orNone(v.format)],
    ['card sha256', orNone(v.contentSha256)],
    ['dataset', orNone(v.datasetSha256)],
    ['mlflow', mlflow.length > 0 ? mlflow.join(', ') : NONE],
    ['created', `${time(v.createdAt)} by ${orNone(v.createdBy)}`],
  ]);
}

export function filesTable(
  out: Output,
  files: Record<string, { sha256: string; bytes: number }> | undefined,
): void {
  const entries = Object.entries(files ?? {});
  if (entries.length === 0) return out.line('files: none listed');
  out.table(
    ['file', 'size', 'sha256'],
    entries.map(([name, f]) => [name, bytes(f?.bytes), shortSha(f?.sha256)]),
  );
}

export function metricsTable(out: Output, metrics: Record<string, Scores> | undefined): void {
  const entries = Object.entries(metrics ?? {});
  if (entries.length === 0) return out.line('metrics: none');
  out.table(
    ['test set', 'n', 'accuracy', 'macro-F1'],
    entries.map(([name, s]) => [name, count(s?.n), score(s?.accuracy), score(s?.macroF1)]),
  );
}

/** A table of evaluations, then each one's reasons (the promotion gate's checks) in full. */
export function evaluationsSection(out: Output, evaluations: readonly Evaluation[] = []): void {
  if (evaluations.length === 0) return out.line('evaluations: none');
  out.table(
    ['at', 'kind', 'test set', 'n', 'accuracy', 'macro-F1', 'against', 'decision'],
    evaluations.map((e) => [
      time(e.createdAt),
      orNone(e.kind),
      orNone(e.testSet),
      count(e.metrics?.n),
      score(e.metrics?.accuracy),
      score(e.metrics?.macroF1),
      against(e),
      decision(e.passed, out.colors),
    ]),
  );
  for (const e of evaluations.filter((e) => (e.reasons ?? []).length > 0)) {
    out.line(`${orNone(e.kind)} on ${orNone(e.testSet)}, ${time(e.createdAt)}: ${decision(e.passed, out.colors)}`);
    for (const reason of e.reasons) out.line(`  - ${reason}`);
  }
}

export function datasetFields(out: Output, d: Dataset): void {
  out.fields([
    ['sha256', orNone(d.contentSha256)],
    ['rows', count(d.rows)],
    ['splits', splits(d.splits)],
    ['source', keyValues(d.source)],
    ['uri', orNone(d.uri)],
    ['validation report', orNone(d.validationReportUri)],
    ['registered', time(d.createdAt)],
  ]);
}

export function runFields(out: Output, run: TrainingRun): void {
  const timings = run.timings ?? {};
  const params = run.params ?? {};
  const commit = shortCommit(run.codeCommit);
  out.fields([
    ['run id', orNone(run.runId)],
    ['mlflow run id', orNone(run.mlflowRunId)],
    ['commit', run.codeDirty ? `${commit} (uncommitted changes)` : commit],
    ['job', orNone(run.jobId)],
    ...Object.entries(params).map(
      ([group, values]) => [`params.${group}`, keyValues(values)] as const,
    ),
    [
      'elapsed',
      typeof timings.elapsedS === 'number' ? formatUptime(timings.elapsedS) : NONE,
    ],
    ['device', [timings.device, timings.precision].filter((x) => typeof x === 'string').join(' ') || NONE],
  ]);
}

export function lineageSections(out: Output, lineage: VersionLineageReply): void {
  const { version: v, dataset, run } = lineage;
  out.line(out.colors.bold(`${orNone(v.modelName)} v${orNone(v.version)}`));
  versionFields(out, v);
  section(out, 'dataset');
  datasetFields(out, dataset);
  section(out, 'run');
  runFields(out, run);
  section(out, 'evaluations');
  evaluationsSection(out, lineage.evaluations);
  section(out, 'compared with');
  const compared = lineage.comparedWith ?? [];
  if (compared.length === 0) out.line('no champion comparisons');
  else
    out.table(
      ['champion', 'test set', 'decision', 'at'],
      compared.map((c) => [
        `v${orNone(c.version)}`,
        orNone(c.testSet),
        decision(c.passed, out.colors),
        time(c.at),
      ]),
    );
  section(out, 'history');
  historyTable(out, lineage.history);
}

export function historyTable(out: Output, history: readonly AuditEvent[] = []): void {
  if (history.length === 0) return out.line('no events');
  out.table(
    ['at', 'actor', 'action', 'reason'],
    history.map((e) => [time(e.at), orNone(e.actor), orNone(e.action), orNone(e.reason)]),
  );
}

export function aliasesTable(out: Output, aliases: readonly AliasView[]): void {
  out.table(
    ['alias', 'version', 'revision', 'updated by', 'updated at', 'reason'],
    aliases.map((a) => [
      orNone(a.alias),
      a.version ? `v${a.version}` : NONE,
      typeof a.revision === 'number' ? String(a.revision) : NONE,
      orNone(a.updatedBy),
      time(a.updatedAt),
      orNone(a.reason),
    ]),
  );
}

export function section(out: Output, title: string): void {
  out.line();
  out.line(out.colors.bold(title));
}

// ---- cells -------------------------------------------------------------------------------------

/** ISO time without milliseconds: 2026-01-02T03:04:05Z. */
export function time(iso: string | null | undefined): string {
  return iso ? iso.replace(/\.\d+Z$/, 'Z') : NONE;
}

export function score(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(4) : NONE;
}

export function bytes(n: number | null | undefined): string {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return NONE;
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function count(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? String(n) : NONE;
}

function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 12) : NONE;
}

function list(values: readonly string[] | null | undefined): string {
  return values && values.length > 0 ? values.join(', ') : NONE;
}

function statusText(status: string | null | undefined, colors: Colors): string {
  if (status === 'champion') return colors.green(status);
  if (status === 'rejected') return colors.red(status);
  return orNone(status);
}

function decision(passed: boolean | null | undefined, colors: Colors): string {
  if (passed === true) return colors.green('passed');
  if (passed === false) return colors.red('failed');
  return NONE;
}

/** What an evaluation was measured against: the champion, the lexicon baseline, or floors. */
function against(e: Evaluation): string {
  if (e.comparedWithVersion) return `champion v${e.comparedWithVersion}`;
  const baseline = e.baseline ?? {};
  if (baseline.kind === 'lexicon' && typeof baseline.accuracy === 'number')
    return `lexicon ${score(baseline.accuracy)}`;
  return typeof baseline.kind === 'string' ? baseline.kind : NONE;
}

/** train 32000 (negative 16000, positive 16000), validation 4000 (...). */
function splits(value: Dataset['splits'] | undefined): string {
  const entries = Object.entries(value ?? {});
  if (entries.length === 0) return NONE;
  return entries
    .map(([name, s]) => {
      const labels = Object.entries(s?.labels ?? {})
        .map(([label, n]) => `${label} ${n}`)
        .join(', ');
      return `${name} ${count(s?.rows)}${labels ? ` (${labels})` : ''}`;
    })
    .join('; ');
}

/** The scalar entries of an object as `key=value`; nested values are left to --json. */
function keyValues(value: unknown): string {
  if (typeof value !== 'object' || value === null) return NONE;
  const pairs = Object.entries(value)
    .filter(([, v]) => v !== null && ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length > 0 ? pairs.join(' ') : NONE;
}
