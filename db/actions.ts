import type { Sql, TransactionSql } from 'postgres';
import type { Action, ActionStatus, ActionWorkflowInput } from '../domain/action';
import { resourceKey } from '../domain/resource';
import { insertHistory, type HistoryRow } from './history';
import { forgetCalls } from './providerCalls';

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
  /** A parent workflow (a schedule's or an override's run) starts it: the reconciler need not. */
  options: { startedByParent?: boolean } = {},
): Promise<InsertActionResult> {
  const r = input.resource;
  const [row] = await sql<ActionRow[]>`
    INSERT INTO actions (id, org_id, type, resource_uid, provider, resource_type, cloud_account_id, region,
                         resource_key, reason, changed_by, schedule_id, idempotency_key, request_hash,
                         workflow_started_at)
    VALUES (${input.actionId}, ${input.orgId}, ${input.type}, ${r.resourceUID}, ${r.provider}, ${r.resourceType},
            ${r.cloudAccountID}, ${r.region}, ${resourceKey(r)}, ${input.reason}, ${input.changedBy},
            ${input.scheduleId ?? null}, ${idempotency?.key ?? null}, ${idempotency?.requestHash ?? null},
            ${options.startedByParent ? sql`now()` : null})
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

export interface TurnClaims {
  granted: string[];
  /** Actions that must wait, each with the action it waits for. */
  blocked: { actionId: string; blockedBy: string }[];
}

/**
 * Marks each action running if no other action on its resource is running
 * or queued before it. Advisory locks on the resource keys (taken in one
 * order, so two claims cannot deadlock) make claims on one resource take
 * turns: at most one is granted.
 */
export async function claimTurns(sql: Sql, actionIds: string[]): Promise<TurnClaims> {
  return sql.begin(async (tx) => {
    await tx`
      SELECT pg_advisory_xact_lock(hashtext(k))
      FROM (SELECT DISTINCT resource_key AS k FROM actions WHERE id = ANY(${actionIds}) ORDER BY 1) keys`;
    const rows = await tx<{ id: string; status: ActionStatus; blockedBy: string | null }[]>`
      SELECT me.id, me.status,
             (SELECT o.id FROM actions o
              WHERE o.resource_key = me.resource_key AND o.id <> me.id
                AND (o.status = 'running' OR (o.status = 'pending' AND o.seq < me.seq))
              ORDER BY o.seq LIMIT 1) AS "blockedBy"
      FROM actions me WHERE me.id = ANY(${actionIds})`;
    const found = new Set(rows.map((r) => r.id));
    const missing = actionIds.filter((id) => !found.has(id));
    if (missing.length > 0) throw new Error(`actions without a projection row: ${missing.join(', ')}`);
    // An action already past pending was granted by an earlier attempt of this claim.
    const granted = rows.filter((r) => r.status !== 'pending' || !r.blockedBy).map((r) => r.id);
    await tx`
      UPDATE actions SET status = 'running', started_at = now(),
                         workflow_started_at = coalesce(workflow_started_at, now())
      WHERE id = ANY(${granted}) AND status = 'pending'`;
    return {
      granted,
      blocked: rows
        .filter((r) => r.status === 'pending' && r.blockedBy)
        .map((r) => ({ actionId: r.id, blockedBy: r.blockedBy! })),
    };
  });
}

export interface ActionResult {
  actionId: string;
  status: 'succeeded' | 'failed';
  errorMessage?: string;
  history: HistoryRow[];
}

/**
 * Ends actions and writes their last history rows in one transaction; a
 * repeated call changes nothing. Returns the workflows waiting for a turn on
 * the resources just freed.
 */
export async function finishActions(sql: Sql, results: ActionResult[]): Promise<{ wake: string[] }> {
  if (results.length === 0) return { wake: [] };
  return sql.begin(async (tx) => {
    const updates = results.map((r) => ({ id: r.actionId, status: r.status, error_message: r.errorMessage ?? null }));
    await tx`
      UPDATE actions a
      SET status = u.status, error_message = u.error_message,
          started_at = coalesce(a.started_at, now()), completed_at = now()
      FROM jsonb_to_recordset(${tx.json(updates)}) AS u(id text, status text, error_message text)
      WHERE a.id = u.id AND a.status IN ('pending', 'running')`;
    await insertHistory(
      tx,
      results.flatMap((r) => r.history),
    );
    await forgetCalls(
      tx,
      results.map((r) => r.actionId),
    );
    const waiting = await tx<{ workflowId: string }[]>`
      SELECT DISTINCT coalesce(next.bulk_action_id, next.id) AS "workflowId"
      FROM (SELECT DISTINCT resource_key FROM actions WHERE id = ANY(${results.map((r) => r.actionId)})) freed
      CROSS JOIN LATERAL (
        SELECT id, bulk_action_id FROM actions
        WHERE resource_key = freed.resource_key AND status = 'pending'
        ORDER BY seq LIMIT 1
      ) next`;
    return { wake: waiting.map((w) => w.workflowId) };
  });
}

/**
 * Intents older than `olderThanMs` whose workflow is not known to have
 * started: the API could not reach Temporal, or died in between.
 */
export async function listUnstarted(sql: Sql, olderThanMs: number, limit = 100): Promise<ActionWorkflowInput[]> {
  const rows = await sql<ActionRow[]>`
    SELECT ${columns(sql)} FROM actions
    WHERE status = 'pending' AND workflow_started_at IS NULL AND bulk_action_id IS NULL
      AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY seq LIMIT ${limit}`;
  return rows.map(toWorkflowInput);
}

/**
 * Actions running for longer than `olderThanMs`, with the workflow that runs
 * them (their own, or their bulk action's): candidates to check against Temporal.
 */
export async function listLongRunning(
  sql: Sql,
  olderThanMs: number,
  limit = 100,
): Promise<{ workflowId: string; input: ActionWorkflowInput }[]> {
  const rows = await sql<(ActionRow & { workflowId: string })[]>`
    SELECT ${columns(sql)}, coalesce(bulk_action_id, id) AS "workflowId" FROM actions
    WHERE status = 'running' AND started_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY seq LIMIT ${limit}`;
  return rows.map((row) => ({ workflowId: row.workflowId, input: toWorkflowInput(row) }));
}
