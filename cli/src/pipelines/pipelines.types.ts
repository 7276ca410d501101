/**
 * What the CLI reads from the admin API's `/api/pipelines` routes: the trainer-controller's
 * replies (`libs/contracts/src/pipeline/pipeline-api.dto.ts`) as JSON. The server validates them;
 * the CLI still prints a field that is missing as "-" rather than failing, so it survives a gateway
 * older or newer than itself. --json prints the reply exactly as it came.
 */

/** A run's states in the order a run moves through them, then the four it can end in. */
export const PIPELINE_STATES = [
  'pending',
  'collecting',
  'building-dataset',
  'validating',
  'training',
  'evaluating',
  'registering',
  'rolling-out',
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  'rejected',
] as const;

/** A run in one of these has ended and will not change again (unless a failed one is retried). */
export const TERMINAL_STATES: readonly string[] = [
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  'rejected',
];

export const isTerminal = (state: string | undefined): boolean =>
  state !== undefined && TERMINAL_STATES.includes(state);

/** Ended: in a terminal state, or finished in one this CLI does not know yet (a newer controller). */
export const hasEnded = (run: { state?: string; finishedAt?: string | null }): boolean =>
  isTerminal(run.state) || Boolean(run.finishedAt);

/** Training progress of the run's current job, from the training CLI's log lines. */
export interface PipelineProgressView {
  epoch?: number;
  epochs?: number;
  /** Steps done and to do over the whole job (every epoch), not within the epoch. */
  step?: number;
  totalSteps?: number;
  stepsPerSecond?: number;
  /** Until the whole job ends. */
  etaSeconds?: number;
  /** The job's last log line. */
  message?: string;
  /** The step's job: `train`, `tokenizer`, ... */
  job?: string;
}

export interface PipelineRunView {
  id: string;
  /** One of PIPELINE_STATES (a newer controller may add more). */
  state: string;
  /** drift, schedule or manual. */
  trigger: string;
  reason: string;
  requestedBy: string;
  /** The state a failed run failed in; `error` says why (for skipped and cancelled runs too). */
  failedStep?: string | null;
  error?: string | null;
  progress?: PipelineProgressView | null;
  /** What the steps produced so far; see PipelineOutputs. */
  outputs: Record<string, unknown>;
  /** Triggers that arrived while the run was active and were folded into it. */
  joinedTriggers: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string | null;
}

/** `POST /api/pipelines`: the run, and whether this request created it or joined the active one. */
export interface StartedPipelineRun extends PipelineRunView {
  created: boolean;
}

export interface ListPipelinesReply {
  runs: PipelineRunView[];
}

/** `POST /api/pipelines/{id}/cancel` and `/retry`. */
export interface PipelineActionBody {
  reason?: string;
}

/** A model's scores on one test split (the training CLI's snake_case). */
export interface SplitScores {
  n?: number;
  accuracy?: number;
  macro_f1?: number;
}

/** Candidate and champion on the same rows (`testSet.sha256` names them). */
export interface ScoredPair {
  testSet?: { name?: string; sha256?: string };
  candidate?: SplitScores;
  champion?: (SplitScores & { version?: string }) | null;
}

/**
 * The parts of `outputs` the CLI shows, as the controller's steps write them. Every part appears
 * only once its step has finished, and any may be shaped differently by another version.
 */
export interface PipelineOutputs {
  /** collecting: feedback rows (ids after..upTo) and the inbox files taken in. */
  collected?: { rows?: number; after?: number; upTo?: number; inboxFiles?: number };
  /** building-dataset: the base dataset's hash and the snapshot (base plus the new rows). */
  dataset?: {
    /** The base's content hash; an object `{kind, run?, sha256}` from newer controllers. */
    base?: unknown;
    snapshot?: { snapshot?: string; rows?: unknown; uri?: string };
    path?: string;
  };
  /** validating: the data validation report and its summary. */
  validation?: {
    report?: string;
    summary?: {
      content_sha256?: string;
      success?: boolean;
      statistics?: {
        evaluated_expectations?: number;
        successful_expectations?: number;
        unsuccessful_expectations?: number;
      };
    };
  };
  /**
   * evaluating: candidate and champion scored on the same new test split, and apart on the rows
   * this run added (`added`) and on the rest (`base`); `comparison` is the controller's verdict.
   */
  evaluation?: ScoredPair & {
    subsets?: { added?: ScoredPair; base?: ScoredPair };
    comparison?: { passed?: boolean; checks?: string[]; failures?: string[] };
  };
  /** registering: the new version, set as challenger, and the promotion gate's evaluation. */
  registered?: {
    version?: string;
    gate?: { passed?: boolean | null; testSet?: string; reasons?: string[] } | null;
  };
}
