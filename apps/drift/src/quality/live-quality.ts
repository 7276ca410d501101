import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type LiveQualityReply, type LiveQualityRequest } from '@sentimentops/contracts';
import type { DataSource } from 'typeorm';

/**
 * Live accuracy of model versions side by side (the rollout analysis asks it of the champion and
 * the challenger): the logged predictions of each version whose feedback arrived in the interval,
 * judged by the latest label given in it. Counting by the feedback's time, not the prediction's,
 * counts each labelled prediction once, in the interval its label came in.
 */
@Injectable()
export class LiveQuality {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async byVersion(request: LiveQualityRequest): Promise<LiveQualityReply> {
    const until = request.until ?? new Date().toISOString();
    const rows = await this.dataSource.query<
      { version: string; labelled: string; correct: string }[]
    >(
      `SELECT p.model_version::text AS version, count(*) AS labelled,
              count(*) FILTER (WHERE f.label = p.label) AS correct
       FROM (SELECT DISTINCT ON (prediction_id) prediction_id, label FROM feedback
             WHERE prediction_id IS NOT NULL AND occurred_at >= $3 AND occurred_at < $4
             ORDER BY prediction_id, occurred_at DESC) f
       JOIN logged_prediction p ON p.prediction_id = f.prediction_id
       WHERE p.model_name = $1 AND p.model_version = ANY($2::int[])
       GROUP BY p.model_version`,
      [request.modelName, request.versions.map(Number), request.since, until],
    );
    const found = new Map(rows.map((r) => [r.version, r]));
    return {
      versions: request.versions.map((version) => {
        const row = found.get(String(Number(version)));
        const labelled = Number(row?.labelled ?? 0);
        return {
          version,
          labelled,
          accuracy: labelled > 0 ? Number(row!.correct) / labelled : null,
        };
      }),
    };
  }
}
