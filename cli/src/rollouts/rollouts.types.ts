/**
 * What the CLI reads from the admin API's `/api/rollouts` routes: the trainer-controller's replies
 * (`libs/contracts/src/rollout/rollout-api.dto.ts`) as JSON. The server validates them; the CLI
 * still prints a field that is missing as "-" rather than failing, so it survives a gateway older
 * or newer than itself. --json prints the reply exactly as it came.
 */

/** `progressing` and `paused` are active; a rollout ends `promoted` or `rolled-back`. */
export const ACTIVE_ROLLOUT_STATES: readonly string[] = ['progressing', 'paused'];

export const ROLLOUT_MODES = ['canary', 'shadow'] as const;
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/** Ended: in a state that is not active, or finished (a state this CLI does not know yet). */
export const hasEnded = (r: { state?: string; finishedAt?: string | null }): boolean =>
  (r.state !== undefined && !ACTIVE_ROLLOUT_STATES.includes(r.state)) || Boolean(r.finishedAt);

/** One analysis of one interval: the figures it judged and why it decided as it did. */
export interface RolloutCheckView {
  at: string;
  stepIndex: number;
  weight: number;
  /** pass, fail or inconclusive. */
  verdict: string;
  reasons: string[];
  metrics?: Record<string, unknown>;
}

export interface RolloutView {
  id: string;
  modelName: string;
  version: string;
  championVersion?: string | null;
  state: string;
  mode: string;
  steps: number[];
  stepIndex: number;
  weight: number;
  mirrorPercent: number;
  sticky: boolean;
  intervalSeconds: number;
  failedChecks: number;
  failureThreshold: number;
  revision: number;
  createdBy: string;
  reason?: string | null;
  createdAt: string;
  updatedAt: string;
  nextCheckAt?: string | null;
  finishedAt?: string | null;
  /** The registry change an ended rollout still owes, and why the last attempt failed. */
  registryPending?: string | null;
  registryError?: string | null;
  /** Newest first. */
  checks: RolloutCheckView[];
}

export interface ListRolloutsReply {
  rollouts: RolloutView[];
}

/** `POST /api/rollouts`; what is left out takes the trainer-controller's defaults. */
export interface StartRolloutBody {
  modelName: string;
  version: string;
  steps?: number[];
  intervalSeconds?: number;
  mode?: RolloutMode;
  sticky?: boolean;
  reason?: string;
}

/** `POST /api/rollouts/current/{action}`. */
export interface RolloutActionBody {
  modelName: string;
  reason?: string;
}

export type RolloutAction = 'pause' | 'resume' | 'promote' | 'rollback';
