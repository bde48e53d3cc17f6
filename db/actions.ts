import type { Sql, TransactionSql } from 'postgres';
import type { Action, ActionStatus, ActionWorkflowInput } from '../domain/action';
import { resourceKey } from '../domain/resource';
import { insertHistory, type HistoryRow } from './history';

type Db = Sql | TransactionSql;

interface ActionRow {
  id: string;
  orgId: string;
  type: Action['action'];
  resourceUID: string;
  provider: string;
  resourceType: string;
  cloudAccountID: string;
  region: string;
  reason: Action['reason'];
  changedBy: string;
  scheduleId: string | null;
  status: ActionStatus;
  errorMessage: string | null;
  requestHash: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

const columns = (sql: Db) => sql`
  id, org_id AS "orgId", type, resource_uid AS "resourceUID", provider, resource_type AS "resourceType",
  cloud_account_id AS "cloudAccountID", region, reason, changed_by AS "changedBy",
  schedule_id AS "scheduleId", status, error_message AS "errorMessage", request_hash AS "requestHash",
  created_at AS "createdAt", started_at AS "startedAt", completed_at AS "completedAt"`;

function toAction(row: ActionRow): Action {
  return {
    id: row.id,
    resourceUID: row.resourceUID,
    provider: row.provider,
    resourceType: row.resourceType,
    cloudAccountID: row.cloudAccountID,
    region: row.region,
    action: row.type,
    reason: row.reason,
    changedBy: row.changedBy,
    status: row.status,
    ...(row.errorMessage ? { errorMessage: row.errorMessage } : {}),
    startedAt: row.startedAt?.toISOString() ?? null,
    completedAt: row.completedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toWorkflowInput(row: ActionRow): ActionWorkflowInput {
  return {
    actionId: row.id,
    orgId: row.orgId,
    type: row.type,
    resource: {
      resourceUID: row.resourceUID,
      provider: row.provider as ActionWorkflowInput['resource']['provider'],
      resourceType: row.resourceType as ActionWorkflowInput['resource']['resourceType'],
      cloudAccountID: row.cloudAccountID,
      region: row.region,
    },
    changedBy: row.changedBy,
    reason: row.reason,
    ...(row.scheduleId ? { scheduleId: row.scheduleId } : {}),
  };
}

export type InsertActionResult =
  | { inserted: true; action: Action }
  | { inserted: false; action: Action; requestHash: string | null; input: ActionWorkflowInput };

/**
 * Records the intent of an action. With an idempotency key, a second insert
 * for the same organisation and key returns the first action instead.
 */
export async function insertAction(
  sql: Db,
  input: ActionWorkflowInput,
  idempotency?: { key: string; requestHash: string },
): Promise<InsertActionResult> {
  const r = input.resource;
  const [row] = await sql<ActionRow[]>`
    INSERT INTO actions (id, org_id, type, resource_uid, provider, resource_type, cloud_account_id, region,
                         resource_key, reason, changed_by, schedule_id, idempotency_key, request_hash)
    VALUES (${input.actionId}, ${input.orgId}, ${input.type}, ${r.resourceUID}, ${r.provider}, ${r.resourceType},
            ${r.cloudAccountID}, ${r.region}, ${resourceKey(r)}, ${input.reason}, ${input.changedBy},
            ${input.scheduleId ?? null}, ${idempotency?.key ?? null}, ${idempotency?.requestHash ?? null})
    ON CONFLICT (org_id, idempotency_key) DO NOTHING
    RETURNING ${columns(sql)}`;
  if (row) return { inserted: true, action: toAction(row) };
  const [existing] = await sql<ActionRow[]>`
    SELECT ${columns(sql)} FROM actions WHERE org_id = ${input.orgId} AND idempotency_key = ${idempotency!.key}`;
  return {
    inserted: false,
    action: toAction(existing!),
    requestHash: existing!.requestHash,
    input: toWorkflowInput(existing!),
  };
}

export async function markWorkflowStarted(sql: Db, id: string): Promise<void> {
  await sql`UPDATE actions SET workflow_started_at = now() WHERE id = ${id} AND workflow_started_at IS NULL`;
}

export async function getAction(sql: Db, orgId: string, id: string): Promise<Action | undefined> {
  const [row] = await sql<ActionRow[]>`SELECT ${columns(sql)} FROM actions WHERE id = ${id} AND org_id = ${orgId}`;
  return row && toAction(row);
}

export type TurnClaim = { granted: true } | { granted: false; blockedBy: string };

/**
 * Marks the action running if no other action on the same resource is running
 * or queued before it. The advisory lock makes two claims on one resource
 * take turns, so at most one can be granted.
 */
export async function claimTurn(sql: Sql, actionId: string): Promise<TurnClaim> {
  return sql.begin(async (tx) => {
    const [me] = await tx<{ resourceKey: string; seq: string; status: ActionStatus }[]>`
      SELECT resource_key AS "resourceKey", seq, status FROM actions WHERE id = ${actionId}`;
    if (!me) throw new Error(`action ${actionId} has no projection row`);
    if (me.status !== 'pending') return { granted: true };
    await tx`UPDATE actions SET workflow_started_at = coalesce(workflow_started_at, now()) WHERE id = ${actionId}`;
    await tx`SELECT pg_advisory_xact_lock(hashtext(${me.resourceKey}))`;
    const [blocker] = await tx<{ id: string }[]>`
      SELECT id FROM actions
      WHERE resource_key = ${me.resourceKey} AND id <> ${actionId}
        AND (status = 'running' OR (status = 'pending' AND seq < ${me.seq}))
      ORDER BY seq LIMIT 1`;
    if (blocker) return { granted: false, blockedBy: blocker.id };
    await tx`UPDATE actions SET status = 'running', started_at = now() WHERE id = ${actionId} AND status = 'pending'`;
    return { granted: true };
  });
}

/**
 * Ends an action and writes its last history rows in one transaction; a
 * repeated call changes nothing. Returns the next queued action on the same
 * resource, whose workflow is waiting for its turn.
 */
export async function finishAction(
  sql: Sql,
  input: { actionId: string; status: 'succeeded' | 'failed'; errorMessage?: string; history: HistoryRow[] },
): Promise<{ next?: string }> {
  return sql.begin(async (tx) => {
    const [me] = await tx<{ resourceKey: string }[]>`
      UPDATE actions
      SET status = ${input.status}, error_message = ${input.errorMessage ?? null},
          started_at = coalesce(started_at, now()), completed_at = now()
      WHERE id = ${input.actionId} AND status IN ('pending', 'running')
      RETURNING resource_key AS "resourceKey"`;
    await insertHistory(tx, input.history);
    const key =
      me?.resourceKey ??
      (
        await tx<{ resourceKey: string }[]>`
      SELECT resource_key AS "resourceKey" FROM actions WHERE id = ${input.actionId}`
      )[0]?.resourceKey;
    const [next] = await tx<{ id: string }[]>`
      SELECT id FROM actions WHERE resource_key = ${key ?? ''} AND status = 'pending' ORDER BY seq LIMIT 1`;
    return next ? { next: next.id } : {};
  });
}

/**
 * Intents older than `olderThanMs` whose workflow is not known to have
 * started: the API could not reach Temporal, or died in between.
 */
export async function listUnstarted(sql: Sql, olderThanMs: number, limit = 100): Promise<ActionWorkflowInput[]> {
  const rows = await sql<ActionRow[]>`
    SELECT ${columns(sql)} FROM actions
    WHERE status = 'pending' AND workflow_started_at IS NULL
      AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY seq LIMIT ${limit}`;
  return rows.map(toWorkflowInput);
}

/** Actions running for longer than `olderThanMs`: candidates to check against Temporal. */
export async function listLongRunning(sql: Sql, olderThanMs: number, limit = 100): Promise<ActionWorkflowInput[]> {
  const rows = await sql<ActionRow[]>`
    SELECT ${columns(sql)} FROM actions
    WHERE status = 'running' AND started_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY seq LIMIT ${limit}`;
  return rows.map(toWorkflowInput);
}
