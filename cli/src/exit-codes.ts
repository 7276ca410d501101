/**
 * Process exit codes of the `sentimentops` CLI. Scripts branch on these, so they are part of the
 * public surface: add new ones at the end, never renumber.
 */
export enum ExitCode {
  Ok = 0,
  /**
   * The operation ran but failed (or found something wrong, e.g. an app not ready); also a
   * pipeline run followed to its end (`pipeline run --wait`, `pipeline status --watch`) that failed.
   */
  Failed = 1,
  /** Bad command line: unknown option, invalid value, missing argument. */
  Usage = 2,
  /** The gateway could not be reached (refused, unknown host, no answer in time). */
  Unreachable = 3,
  /** The admin token is missing or was rejected. */
  Auth = 4,
  /** `drift check`: the check ran and found drift (status "drift"). */
  DriftDetected = 5,
  /** `drift check`: the check ran but the window held too few predictions for a verdict. */
  InsufficientData = 6,
  /** `pipeline run --wait`, `pipeline status --watch`: the run ended cancelled. */
  PipelineCancelled = 7,
  /** `pipeline run --wait`, `pipeline status --watch`: the run was skipped (e.g. no new data). */
  PipelineSkipped = 8,
  /** `pipeline run --wait`, `pipeline status --watch`: the candidate did not beat the champion. */
  PipelineRejected = 9,
  /** `rollout status --watch`: the rollout ended rolled back (the champion kept its place). */
  RolloutRolledBack = 10,
}

/** A failure the CLI reports as one line on stderr before exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
