import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type RecordEvaluationRequest, ServiceException } from '@sentimentops/contracts';
import type { DataSource } from 'typeorm';
import { audit } from '../entities/audit.js';
import { Evaluation, ModelVersion, RegisteredModel } from '../entities/registry.entities.js';

/**
 * Evaluations made after registration, e.g. the pipeline scoring a candidate and the champion on
 * the same test set so that the promotion gate can compare them.
 */
@Injectable()
export class EvaluationRecorder {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  record(request: RecordEvaluationRequest): Promise<Evaluation> {
    return this.dataSource.transaction(async (manager) => {
      const model = await manager
        .getRepository(RegisteredModel)
        .findOneBy({ name: request.modelName });
      const version = model
        ? await manager
            .getRepository(ModelVersion)
            .findOneBy({ modelId: model.id, version: Number(request.version) })
        : null;
      if (!model || !version) {
        throw new ServiceException(
          ErrorCode.NotFound,
          `${request.modelName} has no version ${request.version}`,
        );
      }
      const evaluations = manager.getRepository(Evaluation);
      const { n, accuracy, macroF1, extra } = request.metrics;
      const saved = await evaluations.save(
        evaluations.create({
          modelVersionId: version.id,
          kind: 'pipeline',
          testSet: request.testSet,
          testSetSha256: request.testSetSha256,
          metrics: { n, accuracy, macroF1, ...(extra ? { extra } : {}) },
          baseline: null,
          comparedWithVersionId: null,
          passed: null,
          reasons: [],
          createdBy: request.actor,
        }),
      );
      await audit(manager, {
        modelId: model.id,
        modelVersionId: version.id,
        actor: request.actor,
        action: 'evaluation.recorded',
        reason: null,
        details: { evaluation: saved.id, testSet: request.testSet, accuracy, macroF1 },
      });
      return saved;
    });
  }
}
