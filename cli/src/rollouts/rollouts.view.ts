/**
 * How the `rollout` commands print rollouts for a person. Every value may be missing on the wire
 * (see rollouts.types.ts), so each cell falls back to "-".
 */
import { type Colors } from '../output/colors.js';
import { type Output } from '../output/cli.output.js';
import { formatUptime, NONE, orNone } from '../output/format.js';
import { section, time } from '../models/models.view.js';
import { hasEnded, type RolloutCheckView, type RolloutView } from './rollouts.types.js';

/** Checks `status` shows; the gateway sends up to 50. */
export const SHOWN_CHECKS = 10;
const BAR_WIDTH = 20;

export function rolloutSections(out: Output, r: RolloutView): void {
  out.line(`${out.colors.bold(`rollout ${orNone(r.id)}`)}: ${stateText(r.state, out.colors)}`);
  const champion = r.championVersion ? ` (champion v${r.championVersion})` : '';
  out.fields([
    ['model', `${orNone(r.modelName)} v${orNone(r.version)}${champion}`],
    ['mode', modeText(r)],
    ['traffic', trafficText(r)],
    ['failed checks', failedChecksText(r)],
    ['next check', nextCheckText(r)],
    ['created', `${time(r.createdAt)} by ${orNone(r.createdBy)}`],
    ['reason', orNone(r.reason)],
    ['updated', time(r.updatedAt)],
    ['finished', time(r.finishedAt)],
    ...(r.registryPending ? [['registry', registryText(r)] as [string, string]] : []),
  ]);
  const checks = Array.isArray(r.checks) ? r.checks : [];
  section(out, checks.length > SHOWN_CHECKS ? `last ${SHOWN_CHECKS} checks` : 'checks');
  if (checks.length === 0) return out.line('none yet');
  checksTable(out, r, checks.slice(0, SHOWN_CHECKS));
}

/** An ended rollout whose registry change has not been taken yet (it is asked every interval). */
function registryText(r: RolloutView): string {
  const change =
    r.registryPending === 'promote' ? `champion := v${orNone(r.version)}` : 'reject the challenger';
  return (
    `owes "${change}", asked again every interval` +
    (r.registryError ? ` (last error: ${r.registryError})` : '')
  );
}

export function rolloutsTable(out: Output, rollouts: readonly RolloutView[]): void {
  out.table(
    ['id', 'version', 'state', 'mode', 'traffic', 'failed', 'created', 'by', 'finished'],
    rollouts.map((r) => [
      shortId(r.id),
      `v${orNone(r.version)}`,
      stateText(r.state, out.colors),
      orNone(r.mode),
      r.mode === 'shadow' ? `shadow, ${stepText(r)}` : `${percent(r.weight)}, ${stepText(r)}`,
      failedChecksText(r, false),
      time(r.createdAt),
      orNone(r.createdBy),
      time(r.finishedAt),
    ]),
  );
}

function checksTable(out: Output, r: RolloutView, checks: readonly RolloutCheckView[]): void {
  out.table(
    ['at', 'step', 'weight', 'verdict', 'reasons'],
    checks.map((c) => [
      time(c.at),
      isNumber(c.stepIndex) ? `${c.stepIndex + 1}/${stepCount(r)}` : NONE,
      percent(c.weight),
      verdictText(c.verdict, out.colors),
      Array.isArray(c.reasons) && c.reasons.length > 0 ? c.reasons.join('\n') : NONE,
    ]),
  );
}

/**
 * One line of `status --watch` (and `start`): state, where the traffic stands and the failed
 * checks; what changes from one line to the next is what happened.
 */
export function summaryText(r: RolloutView, colors: Colors): string {
  const parts = [stateText(r.state, colors)];
  if (!hasEnded(r)) parts.push(shortTraffic(r), `failed checks ${failedChecksText(r, false)}`);
  else if (r.reason) parts.push(r.reason);
  return parts.join(', ');
}

/** `check pass at 25%: reason; reason` for the watch log. */
export function checkText(c: RolloutCheckView, colors: Colors): string {
  const reasons =
    Array.isArray(c.reasons) && c.reasons.length > 0 ? `: ${c.reasons.join('; ')}` : '';
  return `check ${verdictText(c.verdict, colors)} at ${percent(c.weight)}${reasons}`;
}

/** `promoted` green, `rolled-back` red, `paused` yellow, `progressing` as it is. */
export function stateText(state: string | undefined, colors: Colors): string {
  if (state === 'promoted') return colors.green(state);
  if (state === 'rolled-back') return colors.red(state);
  if (state === 'paused') return colors.yellow(state);
  return orNone(state);
}

export function verdictText(verdict: string | undefined, colors: Colors): string {
  if (verdict === 'pass') return colors.green(verdict);
  if (verdict === 'fail') return colors.red(verdict);
  if (verdict === 'inconclusive') return colors.yellow(verdict);
  return orNone(verdict);
}

/** `[#####---------------] 25%`. */
export function weightBar(weight: number | undefined): string {
  if (!isNumber(weight)) return NONE;
  const filled = Math.round((Math.max(0, Math.min(100, weight)) / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${weight}%`;
}

/** The first 8 characters of a uuid, as `rollout list` shows it. */
export function shortId(id: string | undefined): string {
  return id ? id.slice(0, 8) : NONE;
}

function modeText(r: RolloutView): string {
  const parts = [orNone(r.mode)];
  if (r.mode !== 'shadow' && isNumber(r.mirrorPercent) && r.mirrorPercent > 0)
    parts.push(`mirror ${r.mirrorPercent}% of the champion's batches`);
  if (r.sticky) parts.push('sticky (by x-sentimentops-routing-key)');
  return parts.join(', ');
}

function trafficText(r: RolloutView): string {
  const steps = Array.isArray(r.steps) ? ` (${r.steps.map((s) => `${s}%`).join(', ')})` : '';
  if (r.mode === 'shadow')
    return `shadow: clients see the champion, the challenger scores a copy of every batch; ${stepText(r)}${steps}`;
  return `${weightBar(r.weight)} to the challenger, ${stepText(r)}${steps}`;
}

function shortTraffic(r: RolloutView): string {
  return r.mode === 'shadow' ? `shadow, ${stepText(r)}` : `${stepText(r)} at ${percent(r.weight)}`;
}

function stepText(r: RolloutView): string {
  return isNumber(r.stepIndex) ? `step ${r.stepIndex + 1}/${stepCount(r)}` : `step ${NONE}`;
}

function stepCount(r: RolloutView): string {
  return Array.isArray(r.steps) ? String(r.steps.length) : NONE;
}

/** `1/3` (with `long`: `1/3; 3 roll it back`). */
function failedChecksText(r: RolloutView, long = true): string {
  const text = `${count(r.failedChecks)}/${count(r.failureThreshold)}`;
  return long && isNumber(r.failureThreshold)
    ? `${text} (${r.failureThreshold} roll it back)`
    : text;
}

function nextCheckText(r: RolloutView): string {
  if (hasEnded(r)) return NONE;
  if (r.state === 'paused') return 'none while paused';
  const every = isNumber(r.intervalSeconds) ? ` (every ${formatUptime(r.intervalSeconds)})` : '';
  return `${time(r.nextCheckAt)}${every}`;
}

function percent(n: number | undefined): string {
  return isNumber(n) ? `${n}%` : NONE;
}

function count(n: number | undefined): string {
  return isNumber(n) ? String(n) : NONE;
}

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}
