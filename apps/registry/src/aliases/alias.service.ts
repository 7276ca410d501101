import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  ModelAliasChanged,
  type ModelAlias,
  ServiceException,
  type SetAliasRequest,
} from '@sentimentops/contracts';
import { Outbox } from '@sentimentops/persistence';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { audit } from '../entities/audit.js';
import {
  Evaluation,
  ModelAliasRow,
  ModelVersion,
  RegisteredModel,
} from '../entities/registry.entities.js';
import { decidePromotion, type GateDecision, type ScoredOn } from '../policy/promotion-gate.js';
import { RegistryConfig } from '../registry.config.js';

export interface AliasChange {
  alias: ModelAliasRow;
  previousVersion: string | null;
  gate: Evaluation | null;
}

/** One alias move inside the transaction, published once it commits. */
interface Move {
  alias: ModelAlias;
  from: ModelVersion | null;
  to: ModelVersion | null;
  revision: number;
}

type Outcome =
  | { kind: 'changed'; change: AliasChange }
  | { kind: 'rejected'; gate: Evaluation; decision: GateDecision };

/** Postgres: the row is locked by another transaction (FOR UPDATE NOWAIT). */
const LOCK_NOT_AVAILABLE = '55P03';
/** Locked in this order by every change, so two changes never wait on each other in a cycle. */
const LOCK_ORDER: ModelAlias[] = ['champion', 'challenger', 'previous'];

/**
 * Moves aliases under the promotion policy. `challenger` only for a version that passes the gate;
 * `champion` only through the rollout flow or an explicit override with a reason; `previous`
 * follows `champion` by itself. Each change locks the alias rows without waiting, so of two
 * concurrent changes one wins and the other gets 409; a stale `expectedRevision` is 409 as well.
 * A challenger removed with `reject` (a rollout rolled it back) ends `rejected`, not `retired`.
 * The change, its audit event and its `model.alias-changed.v1` events commit together.
 */
@Injectable()
export class AliasService {
  private readonly logger = new Logger(AliasService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly config: RegistryConfig,
  ) {}

  async setAlias(request: SetAliasRequest): Promise<AliasChange> {
    checkRules(request);
    let outcome: Outcome;
    try {
      outcome = await this.dataSource.transaction((manager) => this.apply(manager, request));
    } catch (err) {
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { code?: string }).code === LOCK_NOT_AVAILABLE
      ) {
        throw new ServiceException(
          ErrorCode.Conflict,
          `alias "${request.alias}" of ${request.modelName} is being changed by another request; read it again and retry`,
        );
      }
      throw err;
    }
    void this.outbox.flush();
    if (outcome.kind === 'rejected') {
      throw new ServiceException(
        ErrorCode.FailedPrecondition,
        `v${request.version} did not pass the promotion gate on "${outcome.gate.testSet}"`,
        outcome.decision.reasons,
      );
    }
    return outcome.change;
  }

  private async apply(manager: EntityManager, request: SetAliasRequest): Promise<Outcome> {
    const model = await manager
      .getRepository(RegisteredModel)
      .findOneBy({ name: request.modelName });
    if (!model) throw notFound(`model "${request.modelName}" is not registered`);
    const rows = await lockAliases(manager, model.id);
    const row = rows.get(request.alias)!;
    if (request.expectedRevision !== undefined && request.expectedRevision !== row.revision) {
      throw new ServiceException(
        ErrorCode.Conflict,
        `alias "${request.alias}" is at revision ${row.revision}, not ${request.expectedRevision}: ` +
          'it changed since it was read',
      );
    }
    const versions = manager.getRepository(ModelVersion);
    const target =
      request.version === null
        ? null
        : await versions.findOneBy({ modelId: model.id, version: Number(request.version) });
    if (request.version !== null && !target) {
      throw notFound(`${request.modelName} has no version ${request.version}`);
    }
    const current = row.modelVersionId
      ? await versions.findOneByOrFail({ id: row.modelVersionId })
      : null;
    if ((current?.id ?? null) === (target?.id ?? null)) {
      return {
        kind: 'changed',
        change: { alias: row, previousVersion: versionOf(current), gate: null },
      };
    }

    let gate: Evaluation | null = null;
    if (request.alias === 'challenger' && target) {
      const championRow = rows.get('champion')!;
      if (championRow.modelVersionId === target.id) {
        throw new ServiceException(
          ErrorCode.FailedPrecondition,
          `v${target.version} is the champion; a challenger must be another version`,
        );
      }
      const champion = championRow.modelVersionId
        ? await versions.findOneByOrFail({ id: championRow.modelVersionId })
        : null;
      const judged = await this.judge(manager, request, target, champion);
      gate = judged.gate;
      if (!judged.decision.passed) {
        await versions.update({ id: target.id }, { status: 'rejected' });
        await auditChange(manager, model, target, request, 'promotion.rejected', {
          alias: request.alias,
          gate: gate.id,
          reasons: judged.decision.reasons,
        });
        return { kind: 'rejected', gate, decision: judged.decision };
      }
    }

    const moves: Move[] = [await moveAlias(manager, row, current, target, request)];
    if (request.alias === 'champion') {
      // The champion it replaces stays one command away as `previous`; a challenger that has
      // just been promoted is no longer a challenger.
      const previousRow = rows.get('previous')!;
      if (current && previousRow.modelVersionId !== current.id) {
        const old = previousRow.modelVersionId
          ? await versions.findOneByOrFail({ id: previousRow.modelVersionId })
          : null;
        moves.push(await moveAlias(manager, previousRow, old, current, request));
      }
      const challengerRow = rows.get('challenger')!;
      if (challengerRow.modelVersionId === target!.id) {
        moves.push(await moveAlias(manager, challengerRow, target, null, request));
      }
    }
    const touched = new Set(
      moves.flatMap((m) => [m.from?.id, m.to?.id]).filter((id) => id !== undefined),
    );
    await refreshStatuses(manager, model.id, [...touched]);
    await auditChange(manager, model, target, request, 'alias.set', {
      alias: request.alias,
      from: versionOf(current),
      to: versionOf(target),
      source: request.source,
      override: request.override ?? false,
      ...(request.reject ? { reject: true } : {}),
      moves: moves.map((m) => ({ alias: m.alias, from: versionOf(m.from), to: versionOf(m.to) })),
      ...(gate ? { gate: gate.id } : {}),
    });
    if (request.reject && current) await reject(manager, model, current, request);
    for (const move of moves) await this.announce(manager, model, move, request);
    this.logger.log(
      `${model.name}: ${moves.map((m) => `${m.alias} ${versionOf(m.from) ?? '-'} -> ${versionOf(m.to) ?? '-'}`).join(', ')} by ${request.actor} (${request.source})`,
    );
    const updated = await manager.getRepository(ModelAliasRow).findOneByOrFail({
      modelId: model.id,
      alias: request.alias,
    });
    return {
      kind: 'changed',
      change: { alias: updated, previousVersion: versionOf(current), gate },
    };
  }

  /** The gate's verdict, stored as an evaluation of the candidate against the champion. */
  private async judge(
    manager: EntityManager,
    request: SetAliasRequest,
    candidate: ModelVersion,
    champion: ModelVersion | null,
  ): Promise<{ gate: Evaluation; decision: GateDecision }> {
    const testSet = this.config.REGISTRY_GATE_TEST_SET;
    const evaluations = manager.getRepository(Evaluation);
    const latest = (versionId: number, sha?: string) =>
      evaluations
        .createQueryBuilder('e')
        .where('e.model_version_id = :versionId AND e.test_set = :testSet', { versionId, testSet })
        .andWhere(`e.kind IN ('card', 'pipeline')`)
        .andWhere(sha ? 'e.test_set_sha256 = :sha' : 'TRUE', { sha })
        .orderBy('e.created_at', 'DESC')
        .getOne();
    const ours = await latest(candidate.id);
    const theirs = champion
      ? ((ours && (await latest(champion.id, ours.testSetSha256))) ?? (await latest(champion.id)))
      : null;
    const scored = (v: ModelVersion, e: Evaluation | null): ScoredOn | undefined =>
      e
        ? { version: String(v.version), testSetSha256: e.testSetSha256, scores: e.metrics }
        : undefined;
    const policy = {
      testSet,
      minAccuracy: this.config.REGISTRY_GATE_MIN_ACCURACY,
      minMacroF1: this.config.REGISTRY_GATE_MIN_MACRO_F1,
      maxRegression: this.config.REGISTRY_GATE_MAX_REGRESSION,
    };
    const championScores = champion ? (scored(champion, theirs) ?? null) : null;
    const decision =
      champion && !theirs
        ? {
            passed: false,
            reasons: [`failed: champion v${champion.version} has no evaluation on "${testSet}"`],
          }
        : decidePromotion(policy, scored(candidate, ours ?? null), championScores);
    const gate = await evaluations.save(
      evaluations.create({
        modelVersionId: candidate.id,
        kind: 'promotion-gate',
        testSet,
        testSetSha256: ours?.testSetSha256 ?? '0'.repeat(64),
        metrics: ours?.metrics ?? { n: 0, accuracy: 0, macroF1: 0 },
        baseline: champion
          ? {
              kind: 'champion',
              version: String(champion.version),
              metrics: theirs?.metrics ?? null,
              policy,
            }
          : { kind: 'floors', policy },
        comparedWithVersionId: champion?.id ?? null,
        passed: decision.passed,
        reasons: decision.reasons,
        createdBy: request.actor,
      }),
    );
    return { gate, decision };
  }

  private announce(
    manager: EntityManager,
    model: RegisteredModel,
    move: Move,
    request: SetAliasRequest,
  ) {
    return this.outbox.add(
      manager,
      ModelAliasChanged,
      {
        modelName: model.name,
        alias: move.alias,
        version: versionOf(move.to),
        ...(move.from ? { previousVersion: String(move.from.version) } : {}),
        ...(move.to ? { artifactUri: move.to.artifactUri } : {}),
        revision: move.revision,
        actor: request.actor,
        reason: request.reason,
        occurredAt: new Date().toISOString(),
      },
      // Unique per event (see VersionRegistrar): the revision alone repeats across registries.
      `model.alias-changed:${model.name}:${move.alias}:${move.revision}:${randomUUID()}`,
    );
  }
}

/** The rules that need no database: which alias may move how. */
function checkRules(request: SetAliasRequest) {
  const refuse = (why: string) => {
    throw new ServiceException(ErrorCode.FailedPrecondition, why);
  };
  if (request.reject && request.alias !== 'challenger') {
    throw new ServiceException(
      ErrorCode.InvalidArgument,
      '"reject" applies to the challenger only: the version that fails its rollout',
    );
  }
  if (request.alias === 'previous') {
    refuse('"previous" follows "champion": it is set when the champion moves');
  }
  if (request.alias === 'champion') {
    if (request.version === null) refuse('"champion" cannot be removed, only moved');
    const viaFlow = request.source === 'rollout' || request.source === 'bootstrap';
    if (!viaFlow && request.override !== true) {
      refuse(
        '"champion" moves through a rollout; to move it by hand, send override: true with a reason',
      );
    }
  }
}

async function lockAliases(manager: EntityManager, modelId: number) {
  const rows = await manager.query<{ alias: ModelAlias }[]>(
    `SELECT alias FROM model_alias WHERE model_id = $1 AND alias = ANY($2::text[])
     ORDER BY array_position($2::text[], alias::text) FOR UPDATE NOWAIT`,
    [modelId, LOCK_ORDER],
  );
  if (rows.length !== LOCK_ORDER.length) throw new Error(`model ${modelId} lacks alias rows`);
  const found = await manager.getRepository(ModelAliasRow).findBy({ modelId });
  return new Map(found.map((r) => [r.alias, r]));
}

async function moveAlias(
  manager: EntityManager,
  row: ModelAliasRow,
  from: ModelVersion | null,
  to: ModelVersion | null,
  request: SetAliasRequest,
): Promise<Move> {
  const revision = row.revision + 1;
  await manager.getRepository(ModelAliasRow).update(
    { modelId: row.modelId, alias: row.alias },
    {
      modelVersionId: to?.id ?? null,
      revision,
      updatedBy: request.actor,
      reason: request.reason,
      updatedAt: new Date(),
    },
  );
  row.modelVersionId = to?.id ?? null;
  row.revision = revision;
  return { alias: row.alias, from, to, revision };
}

/** A version's status follows the aliases pointing at it (champion first). */
async function refreshStatuses(manager: EntityManager, modelId: number, versionIds: number[]) {
  if (versionIds.length === 0) return;
  await manager.query(
    `UPDATE model_version v SET status = COALESCE(
       (SELECT a.alias FROM model_alias a
         WHERE a.model_id = $1 AND a.model_version_id = v.id
         ORDER BY array_position(ARRAY['champion','challenger','previous'], a.alias::text) LIMIT 1),
       CASE WHEN v.status IN ('champion', 'challenger', 'previous') THEN 'retired' ELSE v.status END)
     WHERE v.id = ANY($2)`,
    [modelId, versionIds],
  );
}

/**
 * The challenger that was just moved off failed its trial: `rejected` rather than `retired`,
 * unless another alias still points at it (its status follows that alias then).
 */
async function reject(
  manager: EntityManager,
  model: RegisteredModel,
  version: ModelVersion,
  request: SetAliasRequest,
) {
  const rejected = await manager.query<unknown[]>(
    `WITH rejected AS (
       UPDATE model_version v SET status = 'rejected'
       WHERE v.id = $1
         AND NOT EXISTS (SELECT 1 FROM model_alias a WHERE a.model_version_id = v.id)
       RETURNING v.id)
     SELECT id FROM rejected`,
    [version.id],
  );
  if (rejected.length === 0) return;
  await auditChange(manager, model, version, request, 'version.rejected', {
    alias: request.alias,
    source: request.source,
  });
}

function auditChange(
  manager: EntityManager,
  model: RegisteredModel,
  version: ModelVersion | null,
  request: SetAliasRequest,
  action: string,
  details: Record<string, unknown>,
) {
  return audit(manager, {
    modelId: model.id,
    modelVersionId: version?.id ?? null,
    actor: request.actor,
    action,
    reason: request.reason,
    details,
  });
}

const versionOf = (v: ModelVersion | null | undefined) => (v ? String(v.version) : null);
const notFound = (message: string) => new ServiceException(ErrorCode.NotFound, message);
