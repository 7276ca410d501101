import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  ArtifactStores,
  ArtifactTooLargeError,
  UnsupportedArtifactUriError,
} from '@sentimentops/artifact-store';
import {
  CARD_FILE,
  CardTestSetMetrics,
  ContractViolationError,
  ErrorCode,
  MODEL_ALIASES,
  ModelRegistered,
  type RegisterVersionRequest,
  RegistrableModelCard,
  ServiceException,
  validateMessage,
} from '@sentimentops/contracts';
import { Outbox } from '@sentimentops/persistence';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { audit } from '../entities/audit.js';
import {
  DatasetVersion,
  Evaluation,
  type FileDigest,
  ModelVersion,
  RegisteredModel,
  type TestSetScores,
  TrainingRun,
} from '../entities/registry.entities.js';
import { RegistryConfig } from '../registry.config.js';
import { normaliseArtifactUri } from './artifact-uri.js';

/** A card read from an artifact and checked: its content, hash and files. */
export interface VerifiedArtifact {
  uri: string;
  card: RegistrableModelCard;
  raw: Record<string, unknown>;
  contentSha256: string;
  files: Record<string, FileDigest>;
}

export interface Registration {
  version: ModelVersion;
  created: boolean;
}

/**
 * Registers model versions. A version registers only when its card is valid and every file the
 * card lists has the sha256 and size the card says; the dataset, training run and the card's
 * evaluations are recorded with it, in one transaction with its audit event and its
 * `model.registered.v1` event.
 */
@Injectable()
export class VersionRegistrar {
  private readonly logger = new Logger(VersionRegistrar.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stores: ArtifactStores,
    private readonly outbox: Outbox,
    private readonly config: RegistryConfig,
  ) {}

  async register(request: RegisterVersionRequest): Promise<Registration> {
    const artifact = await this.verify(request.artifactUri);
    if (artifact.card.name !== request.modelName) {
      throw new ServiceException(
        ErrorCode.Unprocessable,
        `the card is for model "${artifact.card.name}", not "${request.modelName}"`,
        ['name: must be the model registered'],
      );
    }
    const registration = await this.dataSource.transaction((manager) =>
      this.store(manager, request, artifact),
    );
    if (registration.created) {
      this.logger.log(
        `registered ${request.modelName} v${registration.version.version} from ${artifact.uri} by ${request.actor}`,
      );
      void this.outbox.flush();
    }
    return registration;
  }

  /** Reads and checks the card, then streams every listed file through sha256. */
  async verify(artifactUri: string): Promise<VerifiedArtifact> {
    const uri = normaliseArtifactUri(artifactUri);
    const cardBytes = await this.read(`${uri}/${CARD_FILE}`);
    let raw: unknown;
    try {
      raw = JSON.parse(cardBytes.toString('utf8'));
    } catch (err) {
      throw new ServiceException(ErrorCode.Unprocessable, `${CARD_FILE} is not JSON`, [
        String(err),
      ]);
    }
    const card = asCard(raw);
    const files: Record<string, FileDigest> = {};
    const problems: string[] = [];
    for (const [name, expected] of Object.entries(card.files)) {
      if (name.includes('/') || name === CARD_FILE || name.startsWith('.')) {
        problems.push(`files.${name}: not a plain file name of the directory`);
        continue;
      }
      try {
        const actual = await this.stores.forUri(uri).digest(`${uri}/${name}`);
        if (actual.sha256 !== expected.sha256 || actual.bytes !== expected.bytes) {
          problems.push(
            `files.${name}: sha256 ${actual.sha256} (${actual.bytes} bytes) but the card says ` +
              `${expected.sha256} (${expected.bytes} bytes)`,
          );
        }
        files[name] = actual;
      } catch (err) {
        if (!(err instanceof ArtifactNotFoundError)) throw err;
        problems.push(`files.${name}: listed by the card but missing from ${uri}`);
      }
    }
    for (const needed of [card.onnx.file, card.tokenizer.file]) {
      if (!(needed in card.files)) problems.push(`files: does not list ${needed}`);
    }
    if (problems.length > 0) {
      throw new ServiceException(
        ErrorCode.Unprocessable,
        `the artifact at ${uri} does not match its card`,
        problems,
      );
    }
    return {
      uri,
      card,
      raw: raw as Record<string, unknown>,
      contentSha256: createHash('sha256').update(cardBytes).digest('hex'),
      files,
    };
  }

  private async read(uri: string): Promise<Buffer> {
    try {
      return await this.stores.forUri(uri).readBytes(uri, this.config.REGISTRY_MAX_CARD_BYTES);
    } catch (err) {
      if (err instanceof ArtifactNotFoundError)
        throw new ServiceException(ErrorCode.Unprocessable, `no ${CARD_FILE} at ${uri}`);
      if (err instanceof ArtifactTooLargeError)
        throw new ServiceException(ErrorCode.Unprocessable, `${uri} is too large for a card`);
      if (err instanceof UnsupportedArtifactUriError)
        throw new ServiceException(ErrorCode.InvalidArgument, err.message);
      if (err instanceof ArtifactIntegrityError)
        throw new ServiceException(ErrorCode.Unprocessable, err.message);
      throw err;
    }
  }

  private async store(
    manager: EntityManager,
    request: RegisterVersionRequest,
    artifact: VerifiedArtifact,
  ): Promise<Registration> {
    const model = await lockModel(manager, request.modelName);
    const versions = manager.getRepository(ModelVersion);
    const sameUri = await versions.findOneBy({ modelId: model.id, artifactUri: artifact.uri });
    if (sameUri) {
      if (sameUri.contentSha256 === artifact.contentSha256)
        return { version: sameUri, created: false };
      throw new ServiceException(
        ErrorCode.Conflict,
        `${artifact.uri} is registered as v${sameUri.version} with other content ` +
          `(card sha256 ${sameUri.contentSha256}, now ${artifact.contentSha256}); ` +
          'an artifact URI is immutable: register the new model under a new URI',
      );
    }
    const sameContent = await versions.findOneBy({
      modelId: model.id,
      contentSha256: artifact.contentSha256,
    });
    if (sameContent) return { version: sameContent, created: false };

    const { card } = artifact;
    const dataset = await upsertDataset(manager, card, request);
    const run = await upsertRun(manager, card, request, dataset);
    const [{ next }] = await manager.query<{ next: number }[]>(
      `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_version WHERE model_id = $1`,
      [model.id],
    );
    const testSets = cardTestSets(card);
    const version = await versions.save(
      versions.create({
        modelId: model.id,
        version: Number(next),
        status: 'registered',
        artifactUri: artifact.uri,
        format: 'onnx',
        contentSha256: artifact.contentSha256,
        files: artifact.files,
        metrics: Object.fromEntries(testSets.map((t) => [t.name, t.scores])),
        card: artifact.raw,
        datasetId: dataset.id,
        runId: run.id,
        mlflowVersion: null,
        createdBy: request.actor,
      }),
    );
    const evaluations = manager.getRepository(Evaluation);
    for (const testSet of testSets) {
      await evaluations.save(
        evaluations.create({
          modelVersionId: version.id,
          kind: 'card',
          testSet: testSet.name,
          testSetSha256: testSet.sha256 ?? dataset.contentSha256,
          metrics: testSet.scores,
          baseline: testSet.baseline ? { kind: 'lexicon', ...testSet.baseline } : null,
          comparedWithVersionId: null,
          passed: null,
          reasons: [],
          createdBy: request.actor,
        }),
      );
    }
    await audit(manager, {
      modelId: model.id,
      modelVersionId: version.id,
      actor: request.actor,
      action: 'version.registered',
      reason: null,
      details: {
        artifactUri: artifact.uri,
        contentSha256: artifact.contentSha256,
        jobId: request.jobId,
      },
    });
    await this.outbox.add(
      manager,
      ModelRegistered,
      {
        modelName: model.name,
        version: String(version.version),
        artifactUri: artifact.uri,
        occurredAt: version.createdAt.toISOString(),
      },
      // Unique per event, not only per version: JetStream drops a message id it saw in the last
      // two minutes, and another registry (another database) on the same NATS has the same numbers.
      `model.registered:${model.name}:${version.version}:${randomUUID()}`,
    );
    return { version, created: true };
  }
}

function asCard(raw: unknown): RegistrableModelCard {
  try {
    const card = validateMessage(RegistrableModelCard, raw, { forbidUnknown: false });
    for (const [name, entry] of Object.entries(card.metrics)) {
      try {
        validateMessage(CardTestSetMetrics, entry, { forbidUnknown: false });
      } catch (err) {
        if (!(err instanceof ContractViolationError)) throw err;
        throw new ContractViolationError(
          err.contract,
          err.problems.map((p) => `metrics.${name}.${p}`),
        );
      }
    }
    return card;
  } catch (err) {
    if (!(err instanceof ContractViolationError)) throw err;
    throw new ServiceException(
      ErrorCode.Unprocessable,
      `${CARD_FILE} is not a valid model card: ${err.problems[0]}`,
      err.problems,
    );
  }
}

interface CardTestSet {
  name: string;
  sha256?: string;
  scores: TestSetScores;
  baseline?: TestSetScores;
}

function scoresOf(s: { n: number; accuracy: number; macro_f1: number }): TestSetScores {
  return { n: s.n, accuracy: s.accuracy, macroF1: s.macro_f1 };
}

/** The card's test sets: data splits are identified by the dataset's hash, files by their own. */
function cardTestSets(card: RegistrableModelCard): CardTestSet[] {
  return Object.entries(card.metrics).map(([name, entry]) => ({
    name,
    sha256: entry.sha256,
    scores: scoresOf(entry.model),
    baseline: entry.lexicon_baseline ? scoresOf(entry.lexicon_baseline) : undefined,
  }));
}

/** The model's row, created on first use and locked: registrations of one model run one at a time. */
async function lockModel(manager: EntityManager, name: string): Promise<RegisteredModel> {
  await manager.query(`INSERT INTO registered_model (name) VALUES ($1) ON CONFLICT DO NOTHING`, [
    name,
  ]);
  await manager.query(
    `INSERT INTO model_alias (model_id, alias)
     SELECT m.id, a.alias FROM registered_model m, unnest($2::text[]) AS a(alias) WHERE m.name = $1
     ON CONFLICT DO NOTHING`,
    [name, MODEL_ALIASES],
  );
  return manager
    .getRepository(RegisteredModel)
    .findOneOrFail({ where: { name }, lock: { mode: 'pessimistic_write' } });
}

async function upsertDataset(
  manager: EntityManager,
  card: RegistrableModelCard,
  request: RegisterVersionRequest,
): Promise<DatasetVersion> {
  const { dataset } = card;
  await manager.query(
    `INSERT INTO dataset_version (content_sha256, rows, splits, source, uri, validation_report_uri)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (content_sha256) DO UPDATE SET
       uri = COALESCE(dataset_version.uri, EXCLUDED.uri),
       validation_report_uri = COALESCE(dataset_version.validation_report_uri, EXCLUDED.validation_report_uri)`,
    [
      dataset.content_sha256,
      dataset.rows,
      JSON.stringify(dataset.splits),
      JSON.stringify(dataset.source),
      request.datasetUri ?? null,
      request.validationReportUri ?? null,
    ],
  );
  return manager.getRepository(DatasetVersion).findOneByOrFail({
    contentSha256: dataset.content_sha256,
  });
}

async function upsertRun(
  manager: EntityManager,
  card: RegistrableModelCard,
  request: RegisterVersionRequest,
  dataset: DatasetVersion,
): Promise<TrainingRun> {
  const runs = manager.getRepository(TrainingRun);
  const existing = await runs.findOneBy({ runId: card.training.run_id });
  if (existing) return existing;
  const { training } = card;
  return runs.save(
    runs.create({
      runId: training.run_id,
      mlflowRunId: training.mlflow_run_id ?? null,
      jobId: request.jobId ?? null,
      codeCommit: card.code_commit,
      codeDirty: card.code_dirty,
      params: { model: training.model, train: training.train },
      timings: {
        elapsedS: training.elapsed_s,
        device: training.device ?? null,
        precision: training.precision ?? null,
        finishedAt: card.created_at,
      },
      datasetId: dataset.id,
    }),
  );
}
