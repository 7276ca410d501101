/**
 * What the CLI reads from the admin API's `/api/models` and `/api/datasets` routes: the registry's
 * replies (`libs/contracts/src/registry/registry.dto.ts`) as JSON. The server validates them; the
 * CLI still prints a field that is missing as "-" rather than failing, so it survives a gateway
 * older or newer than itself. --json prints the reply exactly as it came.
 */

export const MODEL_ALIASES = ['champion', 'challenger', 'previous'] as const;
export type ModelAlias = (typeof MODEL_ALIASES)[number];

export interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
  extra?: Record<string, unknown>;
}

export interface ModelVersionSummary {
  modelName: string;
  version: string;
  /** registered, challenger, champion, previous, retired, rejected. */
  status: string;
  aliases: string[];
  artifactUri: string;
  format: string;
  /** sha256 of the model card: the artifact's identity. */
  contentSha256: string;
  datasetSha256: string;
  mlflowRunId?: string | null;
  mlflowVersion?: string | null;
  /** Scores per named test set, from the card. */
  metrics: Record<string, Scores>;
  createdBy: string;
  createdAt: string;
}

export interface Evaluation {
  id: string;
  testSet: string;
  testSetSha256: string;
  metrics: Scores;
  /** `{kind: "lexicon", accuracy, ...}`, `{kind: "champion", version, ...}` or `{kind: "floors"}`. */
  baseline?: Record<string, unknown> | null;
  passed?: boolean | null;
  reasons: string[];
  kind: 'card' | 'pipeline' | 'promotion-gate';
  comparedWithVersion?: string | null;
  createdAt: string;
}

export interface ModelVersionDetail extends ModelVersionSummary {
  files: Record<string, { sha256: string; bytes: number }>;
  card: Record<string, unknown>;
  evaluations: Evaluation[];
}

export interface ListVersionsReply {
  versions: ModelVersionSummary[];
}

export interface RegisterVersionReply {
  version: ModelVersionSummary;
  created: boolean;
}

export interface Dataset {
  contentSha256: string;
  rows: number;
  splits: Record<string, { rows: number; labels: Record<string, number> }>;
  source: Record<string, unknown>;
  uri?: string | null;
  validationReportUri?: string | null;
  createdAt: string;
}

export interface TrainingRun {
  runId: string;
  mlflowRunId?: string | null;
  jobId?: string | null;
  codeCommit: string;
  codeDirty: boolean;
  /** `{model: {...}, train: {...}}`: the training parameters. */
  params: Record<string, unknown>;
  /** `{elapsedS, device, precision, finishedAt}`. */
  timings: Record<string, unknown>;
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  actor: string;
  action: string;
  reason?: string | null;
  details: Record<string, unknown>;
  at: string;
}

export interface VersionLineageReply {
  version: ModelVersionSummary;
  dataset: Dataset;
  run: TrainingRun;
  evaluations: Evaluation[];
  comparedWith: { version: string; testSet: string; passed: boolean; at: string }[];
  history: AuditEvent[];
}

export interface DatasetLineageReply {
  dataset: Dataset;
  versions: ModelVersionSummary[];
}

export interface AliasView {
  alias: string;
  version: string | null;
  /** Send it back as `expectedRevision`: a change since it was read is a 409. */
  revision: number;
  updatedBy: string | null;
  reason: string | null;
  updatedAt: string | null;
}

export interface ListAliasesReply {
  aliases: AliasView[];
}

export interface SetAliasReply {
  alias: AliasView;
  previousVersion: string | null;
  /** The promotion gate's evaluation, when a challenger was set. */
  gate?: Evaluation | null;
}

export interface RegisterVersionBody {
  artifactUri: string;
  jobId?: string;
  validationReportUri?: string;
  datasetUri?: string;
}

export interface SetAliasBody {
  version: string | null;
  reason: string;
  override?: boolean;
  expectedRevision?: number;
}
