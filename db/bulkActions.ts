import type { Sql, TransactionSql } from 'postgres';
import type { ActionType } from '../domain/action';
import type { BulkAction, BulkActionInput, BulkStatus, FailurePolicy } from '../domain/bulk';
import { newId } from '../domain/ids';
import type { ResourceRef } from '../domain/resource';
import { resourceKey } from '../domain/resource';
import { refOf } from '../domain/inventory';
import type { MemberWithResource } from './groups';

type Db = Sql | TransactionSql;

export type BulkPhase = 'forward' | 'compensate';

/** The bulk workflow's input as recorded, with what only the projection keeps. */
export interface NewBulkAction extends Omit<BulkActionInput, 'bulkId'> {
  id: string;
  groupId: string;
  idempotency?: { key: string; requestHash: string };
  /** A parent workflow (a schedule's or an override's run) starts it: the reconciler need not. */
  startedByParent?: boolean;
}

export type InsertBulkResult =
  | { inserted: true; id: string; total: number }
  | { inserted: false; id: string; total: number; requestHash: string | null; status: BulkStatus };

/**
 * Records a bulk action and one pending action per member, in one statement
 * group (call it inside a transaction). The member actions join their
 * resources' queues right away, so a later manual action waits for them.
 */
export async function insertBulkAction(
  tx: TransactionSql,
  bulk: NewBulkAction,
  members: MemberWithResource[],
): Promise<InsertBulkResult> {
  const [row] = await tx<{ id: string }[]>`
    INSERT INTO bulk_actions (id, org_id, group_id, type, failure_policy, concurrency, total, changed_by,
                              reason, schedule_id, idempotency_key, request_hash, workflow_started_at)
    VALUES (${bulk.id}, ${bulk.orgId}, ${bulk.groupId}, ${bulk.type}, ${bulk.failurePolicy}, ${bulk.concurrency},
            ${members.length}, ${bulk.changedBy}, ${bulk.reason ?? 'bulk'}, ${bulk.scheduleId ?? null},
            ${bulk.idempotency?.key ?? null}, ${bulk.idempotency?.requestHash ?? null},
            ${bulk.startedByParent ? tx`now()` : null})
    ON CONFLICT (org_id, idempotency_key) DO NOTHING
    RETURNING id`;
  if (!row) {
    const [existing] = await tx<{ id: string; total: number; requestHash: string | null; status: BulkStatus }[]>`
      SELECT id, total, request_hash AS "requestHash", status FROM bulk_actions
      WHERE org_id = ${bulk.orgId} AND idempotency_key = ${bulk.idempotency!.key}`;
    return { inserted: false, ...existing! };
  }
  const rows = members.map((m) => ({
    id: newId('act'),
    org_id: bulk.orgId,
    type: bulk.type,
    resource_id: m.resourceID,
    resource_uid: m.resource.resourceUID,
    provider: m.resource.provider,
    resource_type: m.resource.resourceType,
    cloud_account_id: m.resource.cloudAccountID,
    region: m.resource.region,
    resource_key: resourceKey(refOf(m.resource)),
    reason: bulk.reason ?? 'bulk',
    changed_by: bulk.changedBy,
    schedule_id: bulk.scheduleId ?? null,
    bulk_action_id: bulk.id,
    bulk_tier: m.tier,
    bulk_order: m.order,
    bulk_phase: 'forward',
    workflow_started_at: null,
  }));
  for (let i = 0; i < rows.length; i += 2_000) await tx`INSERT INTO actions ${tx(rows.slice(i, i + 2_000))}`;
  return { inserted: true, id: bulk.id, total: members.length };
}

export function newBulkId(): string {
  return newId('bulk');
}

interface BulkRow {
  id: string;
  groupID: string;
  type: ActionType;
  status: BulkStatus;
  failurePolicy: FailurePolicy;
  total: number;
  completed: number;
  failed: number;
  skipped: number;
  compensated: number;
  createdAt: Date;
  completedAt: Date | null;
}

const bulkView = (sql: Db) => sql`
  SELECT b.id, b.group_id AS "groupID", b.type, b.status, b.failure_policy AS "failurePolicy", b.total,
         b.created_at AS "createdAt", b.completed_at AS "completedAt",
         count(a.id) FILTER (WHERE a.bulk_phase = 'forward' AND a.status = 'succeeded')::int AS completed,
         count(a.id) FILTER (WHERE a.bulk_phase = 'forward' AND a.status = 'failed' AND NOT a.not_run)::int AS failed,
         count(a.id) FILTER (WHERE a.bulk_phase = 'forward' AND a.not_run)::int AS skipped,
         count(a.id) FILTER (WHERE a.bulk_phase = 'compensate' AND a.status = 'succeeded')::int AS compensated
  FROM bulk_actions b LEFT JOIN actions a ON a.bulk_action_id = b.id`;

const toBulk = (row: BulkRow): BulkAction => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  completedAt: row.completedAt?.toISOString() ?? null,
});

/** The bulk action with live counts from its member actions. */
export async function getBulkAction(sql: Db, orgId: string, id: string): Promise<BulkAction | undefined> {
  const [row] = await sql<BulkRow[]>`${bulkView(sql)} WHERE b.id = ${id} AND b.org_id = ${orgId} GROUP BY b.id`;
  return row && toBulk(row);
}

export async function latestBulkAction(sql: Db, orgId: string): Promise<BulkAction | undefined> {
  const [row] = await sql<BulkRow[]>`
    ${bulkView(sql)}
    WHERE b.id = (SELECT id FROM bulk_actions WHERE org_id = ${orgId} ORDER BY created_at DESC, id DESC LIMIT 1)
    GROUP BY b.id`;
  return row && toBulk(row);
}

export async function markBulkWorkflowStarted(sql: Db, id: string): Promise<void> {
  await sql`UPDATE bulk_actions SET workflow_started_at = now() WHERE id = ${id} AND workflow_started_at IS NULL`;
}

const forwardOrder: Record<BulkStatus, number> = {
  queued: 0,
  running: 1,
  compensating: 2,
  completed: 3,
  halted: 3,
  compensated: 3,
};

/** Moves the status forward only, so a retried or replayed write cannot go back. */
export async function setBulkStatus(sql: Db, id: string, status: BulkStatus): Promise<void> {
  const earlier = Object.entries(forwardOrder)
    .filter(([, rank]) => rank < forwardOrder[status])
    .map(([s]) => s);
  const final = forwardOrder[status] === 3;
  await sql`
    UPDATE bulk_actions SET status = ${status},
      started_at = coalesce(started_at, now()),
      workflow_started_at = coalesce(workflow_started_at, now()),
      completed_at = ${final ? sql`coalesce(completed_at, now())` : sql`completed_at`}
    WHERE id = ${id} AND status = ANY(${earlier})`;
}

/** Tiers of one phase, in the order they run. */
export async function bulkTiers(sql: Db, id: string, phase: BulkPhase): Promise<number[]> {
  const rows = await sql<{ tier: number }[]>`
    SELECT DISTINCT bulk_tier AS tier FROM actions
    WHERE bulk_action_id = ${id} AND bulk_phase = ${phase} ORDER BY 1`;
  return rows.map((r) => r.tier);
}

export interface BulkMember {
  actionId: string;
  order: number;
  seq: string;
  resource: ResourceRef;
}

export interface MemberCursor {
  order: number;
  seq: string;
}

/**
 * One page of a tier's members in dispatch order (ascending `order`, or
 * descending for `descending`), after the cursor. Members already finished
 * (by an earlier run of the workflow) are included: acting on them again is
 * a no-op.
 */
export async function bulkMembers(
  sql: Db,
  q: { bulkId: string; phase: BulkPhase; tier: number; descending: boolean; after?: MemberCursor; limit: number },
): Promise<BulkMember[]> {
  const after = q.after
    ? q.descending
      ? sql`AND (bulk_order, seq) < (${q.after.order}, ${q.after.seq})`
      : sql`AND (bulk_order, seq) > (${q.after.order}, ${q.after.seq})`
    : sql``;
  const order = q.descending ? sql`bulk_order DESC, seq DESC` : sql`bulk_order, seq`;
  const rows = await sql<
    {
      id: string;
      order: number;
      seq: string;
      resourceUID: string;
      provider: string;
      resourceType: string;
      cloudAccountID: string;
      region: string;
    }[]
  >`
    SELECT id, bulk_order AS "order", seq, resource_uid AS "resourceUID", provider, resource_type AS "resourceType",
           cloud_account_id AS "cloudAccountID", region
    FROM actions
    WHERE bulk_action_id = ${q.bulkId} AND bulk_phase = ${q.phase} AND bulk_tier = ${q.tier} ${after}
    ORDER BY ${order} LIMIT ${q.limit}`;
  return rows.map((r) => ({
    actionId: r.id,
    order: r.order,
    seq: r.seq,
    resource: {
      resourceUID: r.resourceUID,
      provider: r.provider as ResourceRef['provider'],
      resourceType: r.resourceType as ResourceRef['resourceType'],
      cloudAccountID: r.cloudAccountID,
      region: r.region,
    },
  }));
}

/** Whether any member of a tier failed (after it was tried). */
export async function tierFailed(sql: Db, id: string, phase: BulkPhase, tier: number): Promise<boolean> {
  const [row] = await sql`
    SELECT 1 FROM actions WHERE bulk_action_id = ${id} AND bulk_phase = ${phase} AND bulk_tier = ${tier}
      AND status = 'failed' AND NOT not_run LIMIT 1`;
  return Boolean(row);
}

/** Fails, without trying them, the members still pending (the bulk halted or is compensating). */
export async function skipPendingMembers(sql: Db, id: string, reason: string): Promise<number> {
  const rows = await sql`
    UPDATE actions SET status = 'failed', not_run = true, error_message = ${reason}, completed_at = now()
    WHERE bulk_action_id = ${id} AND bulk_phase = 'forward' AND status = 'pending'`;
  return rows.count;
}

/**
 * One compensating action (the opposite type) for each forward member that
 * succeeded, in the same tier and order; idempotent.
 */
export async function insertCompensations(sql: Db, id: string): Promise<number> {
  const rows = await sql`
    INSERT INTO actions (id, org_id, type, resource_id, resource_uid, provider, resource_type, cloud_account_id, region,
                         resource_key, reason, changed_by, bulk_action_id, bulk_tier, bulk_order, bulk_phase)
    SELECT 'act_' || substr(md5(a.id || ':compensate'), 1, 20), a.org_id,
           CASE a.type WHEN 'start' THEN 'stop' ELSE 'start' END,
           a.resource_id, a.resource_uid, a.provider, a.resource_type, a.cloud_account_id, a.region,
           a.resource_key, a.reason, a.changed_by, a.bulk_action_id, a.bulk_tier, a.bulk_order, 'compensate'
    FROM actions a
    WHERE a.bulk_action_id = ${id} AND a.bulk_phase = 'forward' AND a.status = 'succeeded'
    ORDER BY a.seq
    ON CONFLICT DO NOTHING`;
  return rows.count;
}

/** Bulk actions recorded but whose workflow is not known to have started, as workflow inputs. */
export async function listUnstartedBulk(sql: Sql, olderThanMs: number, limit = 100): Promise<BulkActionInput[]> {
  const rows = await sql<(BulkActionInput & { scheduleId: string | null })[]>`
    SELECT id AS "bulkId", org_id AS "orgId", type, failure_policy AS "failurePolicy", concurrency,
           changed_by AS "changedBy", reason, schedule_id AS "scheduleId"
    FROM bulk_actions
    WHERE workflow_started_at IS NULL AND status = 'queued'
      AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY created_at LIMIT ${limit}`;
  return rows.map(({ scheduleId, ...input }) => ({ ...input, ...(scheduleId ? { scheduleId } : {}) }));
}

/** Bulk actions still in progress after `olderThanMs`: candidates to check against Temporal. */
export async function listLongRunningBulk(sql: Sql, olderThanMs: number, limit = 100): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM bulk_actions
    WHERE status IN ('running', 'compensating') AND started_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY started_at LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/**
 * Ends a bulk action whose workflow is gone (terminated by hand): its members
 * not yet finished fail, so that they free their resources' queues.
 */
export async function abandonBulkAction(sql: Sql, id: string, reason: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`
      UPDATE actions SET status = 'failed', not_run = (status = 'pending'), error_message = ${reason},
                         completed_at = now()
      WHERE bulk_action_id = ${id} AND status IN ('pending', 'running')`;
    await setBulkStatus(tx, id, 'halted');
  });
}
