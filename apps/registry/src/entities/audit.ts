import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  modelId: number;
  modelVersionId: number | null;
  actor: string;
  action: string;
  reason?: string | null;
  details: Record<string, unknown>;
}

/** Appends to the audit trail inside the caller's transaction: the change and its record commit together. */
export async function audit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  await manager.query(
    `INSERT INTO audit_event (model_id, model_version_id, actor, action, reason, details)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      entry.modelId,
      entry.modelVersionId,
      entry.actor,
      entry.action,
      entry.reason ?? null,
      JSON.stringify(entry.details),
    ],
  );
}
