import type { Sql, TransactionSql } from 'postgres';
import type { ChangedByType } from '../domain/changedBy';
import type { ExecutionState, StateHistoryItem, StateHistoryQuery } from '../domain/history';
import { newId } from '../domain/ids';

type Db = Sql | TransactionSql;

export interface HistoryRow {
  /** Unique per state change (e.g. `<actionId>:<step>`): the second write is a no-op. */
  dedupeKey: string;
  orgId: string;
  actionId?: string;
  resourceUid: string;
  state: string;
  changedAt: string;
  changedBy: string;
  changedByType: ChangedByType;
  scheduleId?: string;
  executionState?: ExecutionState;
  errorMessage?: string;
}

export async function insertHistory(sql: Db, rows: HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => ({
    id: newId('sh'),
    org_id: r.orgId,
    action_id: r.actionId ?? null,
    dedupe_key: r.dedupeKey,
    resource_uid: r.resourceUid,
    state: r.state,
    changed_at: r.changedAt,
    changed_by: r.changedBy,
    changed_by_type: r.changedByType,
    schedule_id: r.scheduleId ?? null,
    execution_state: r.executionState ? sql.json(r.executionState as never) : null,
    error_message: r.errorMessage ?? null,
  }));
  await sql`INSERT INTO state_history ${sql(values)} ON CONFLICT (dedupe_key) DO NOTHING`;
}

interface HistoryDbRow {
  id: string;
  resourceUid: string;
  state: string;
  changedAt: Date;
  changedBy: string;
  scheduleId: string | null;
  actionId: string | null;
  executionState: ExecutionState | null;
  errorMessage: string | null;
}

export async function queryHistory(
  sql: Sql,
  orgId: string,
  query: StateHistoryQuery,
): Promise<{ items: StateHistoryItem[]; total: number }> {
  const where = sql`
    WHERE org_id = ${orgId}
    ${query.resource_uid ? sql`AND resource_uid = ${query.resource_uid}` : sql``}
    ${query.changed_by_type ? sql`AND changed_by_type = ${query.changed_by_type}` : sql``}`;
  const order = query.order === 'desc' ? sql`changed_at DESC, seq DESC` : sql`changed_at, seq`;
  const [rows, [count]] = await Promise.all([
    sql<HistoryDbRow[]>`
      SELECT id, resource_uid AS "resourceUid", state, changed_at AS "changedAt", changed_by AS "changedBy",
             schedule_id AS "scheduleId", action_id AS "actionId", execution_state AS "executionState",
             error_message AS "errorMessage"
      FROM state_history ${where}
      ORDER BY ${order}
      LIMIT ${query.limit} OFFSET ${(query.page - 1) * query.limit}`,
    sql<{ total: number }[]>`SELECT count(*)::int AS total FROM state_history ${where}`,
  ]);
  return {
    total: count!.total,
    items: rows.map((r) => ({
      id: r.id,
      resourceUid: r.resourceUid,
      state: r.state,
      changedAt: r.changedAt.toISOString(),
      changedBy: r.changedBy,
      ...(r.scheduleId ? { scheduleId: r.scheduleId } : {}),
      ...(r.actionId ? { actionId: r.actionId } : {}),
      ...(r.executionState ? { executionState: r.executionState } : {}),
      ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
    })),
  };
}
