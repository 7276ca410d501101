/**
 * Every NATS subject the platform uses, versioned. Nobody writes a subject string inline:
 * publishers and consumers import these constants (and the contract objects built on them).
 */
export const APP_NAMES = [
  'gateway',
  'inference',
  'registry',
  'drift',
  'trainer-controller',
] as const;
export type AppName = (typeof APP_NAMES)[number];

export const TRACKS = ['champion', 'challenger'] as const;
export type Track = (typeof TRACKS)[number];

/** Durable events, carried by JetStream. The first token names the stream (event family). */
export enum EventSubject {
  PredictionLogged = 'prediction.logged.v1',
  FeedbackReceived = 'feedback.received.v1',
  ModelRegistered = 'model.registered.v1',
  ModelAliasChanged = 'model.alias-changed.v1',
  DriftDetected = 'drift.detected.v1',
  PipelineRunRequested = 'pipeline.run-requested.v1',
  PipelineStateChanged = 'pipeline.state-changed.v1',
  RolloutChanged = 'rollout.changed.v1',
  RolloutStats = 'rollout.stats.v1',
}

/** Request/reply subjects, over core NATS; each app serves its own in a queue group. */
export const RequestSubject = {
  platformInfo: (app: AppName) => `platform.info.v1.${app}` as const,
  inferencePredict: (track: Track) => `inference.predict.v1.${track}` as const,
  inferenceModel: (track: Track) => `inference.model.v1.${track}` as const,
  registry: (operation: RegistryOperation) => `registry.${operation}.v1` as const,
  // Not `drift.…`: the DRIFT stream captures that prefix, and requests must never be persisted.
  drift: (operation: DriftOperation) => `drift-api.${operation}.v1` as const,
  // Not `pipeline.…`, which the PIPELINES stream captures.
  pipeline: (operation: PipelineOperation) => `pipeline-api.${operation}.v1` as const,
  // Not `rollout.…`, which the ROLLOUTS stream captures.
  rollout: (operation: RolloutOperation) => `rollout-api.${operation}.v1` as const,
} as const;

export type PipelineOperation = 'start' | 'list' | 'get' | 'cancel' | 'retry';

export type RolloutOperation =
  'start' | 'current' | 'list' | 'pause' | 'resume' | 'promote' | 'rollback';

export type DriftOperation = 'check' | 'reports.get' | 'reports.list' | 'quality';

export type RegistryOperation =
  | 'versions.list'
  | 'versions.get'
  | 'versions.lineage'
  | 'versions.register'
  | 'evaluations.record'
  | 'datasets.lineage'
  | 'aliases.list'
  | 'aliases.set';

/** Headers that travel with every NATS message the platform sends. */
export const Headers = {
  requestId: 'x-request-id',
  /** JetStream de-duplicates on this header within the stream's duplicate window. */
  messageId: 'Nats-Msg-Id',
} as const;
