import type { Sql, TransactionSql } from 'postgres';
import type { ActionType } from '../domain/action';
import { newId } from '../domain/ids';
import type { Override, OverrideStatus } from '../domain/override';

type Db = Sql | TransactionSql;

interface OverrideRow {
  id: string;
  orgId: string;
  groupID: string | null;
  resourceID: string | null;
  resourceIDs: string[];
  action: ActionType;
  until: Date;
  note: string | null;
  status: OverrideStatus;
  cancelRequested: boolean;
  createdBy: string;
  createdAt: Date;
  endedAt: Date | null;
}

const select = (sql: Db) => sql`
  SELECT o.id, o.org_id AS "orgId", o.target_group_id AS "groupID", o.target_resource_id AS "resourceID",
         coalesce((SELECT array_agg(r.resource_id ORDER BY r.resource_id) FROM override_resources r
                   WHERE r.override_id = o.id), '{}') AS "resourceIDs",
         o.action, o.until, o.note, o.status, o.cancel_requested AS "cancelRequested", o.created_by AS "createdBy",
         o.created_at AS "createdAt", o.ended_at AS "endedAt"
  FROM overrides o`;

function toOverride(row: OverrideRow): Override {
  return {
    id: row.id,
    target: row.groupID ? { groupID: row.groupID } : { resourceID: row.resourceID! },
    resourceIDs: row.resourceIDs,
    action: row.action,
    until: row.until.toISOString(),
    note: row.note,
    status: row.status,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

export interface NewOverride {
  orgId: string;
  target: { groupID: string } | { resourceID: string };
  resourceIds: string[];
  action: ActionType;
  until: string;
  note?: string;
  createdBy: string;
}

export async function insertOverride(sql: Db, o: NewOverride): Promise<string> {
  const id = newId('ovr');
  await sql`
    INSERT INTO overrides (id, org_id, target_group_id, target_resource_id, action, until, note, created_by)
    VALUES (${id}, ${o.orgId}, ${'groupID' in o.target ? o.target.groupID : null},
            ${'resourceID' in o.target ? o.target.resourceID : null}, ${o.action}, ${o.until}, ${o.note ?? null},
            ${o.createdBy})`;
  const rows = o.resourceIds.map((resourceId) => ({ override_id: id, resource_id: resourceId }));
  if (rows.length > 0) await sql`INSERT INTO override_resources ${sql(rows)}`;
  return id;
}

export async function getOverride(sql: Db, orgId: string, id: string): Promise<Override | undefined> {
  const [row] = await sql<OverrideRow[]>`${select(sql)} WHERE o.id = ${id} AND o.org_id = ${orgId}`;
  return row && toOverride(row);
}

/** An override as its workflow sees it (no organisation check: the workflow was started for it). */
export async function overrideById(
  sql: Db,
  id: string,
): Promise<(Override & { orgId: string; cancelRequested: boolean }) | undefined> {
  const [row] = await sql<OverrideRow[]>`${select(sql)} WHERE o.id = ${id}`;
  return row && { ...toOverride(row), orgId: row.orgId, cancelRequested: row.cancelRequested };
}

export async function listOverrides(sql: Db, orgId: string, status: OverrideStatus | 'all'): Promise<Override[]> {
  const rows = await sql<OverrideRow[]>`
    ${select(sql)} WHERE o.org_id = ${orgId} ${status === 'all' ? sql`` : sql`AND o.status = ${status}`}
    ORDER BY o.created_at DESC LIMIT 500`;
  return rows.map(toOverride);
}

/** New end for an active override; answers false when it is no longer active. */
export async function setOverrideUntil(sql: Db, orgId: string, id: string, until: string): Promise<boolean> {
  const rows = await sql`
    UPDATE overrides SET until = ${until}
    WHERE id = ${id} AND org_id = ${orgId} AND status = 'active' AND NOT cancel_requested`;
  return rows.count > 0;
}

export async function requestCancel(sql: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await sql`
    UPDATE overrides SET cancel_requested = true WHERE id = ${id} AND org_id = ${orgId} AND status = 'active'`;
  return rows.count > 0;
}

export async function endOverride(sql: Db, id: string, status: 'expired' | 'cancelled'): Promise<void> {
  await sql`UPDATE overrides SET status = ${status}, ended_at = now() WHERE id = ${id} AND status = 'active'`;
}

export async function markOverrideWorkflowStarted(sql: Db, id: string): Promise<void> {
  await sql`UPDATE overrides SET workflow_started_at = now() WHERE id = ${id} AND workflow_started_at IS NULL`;
}

export async function listUnstartedOverrides(sql: Sql, olderThanMs: number, limit = 100) {
  return sql<{ id: string; orgId: string; action: ActionType; until: Date }[]>`
    SELECT id, org_id AS "orgId", action, until FROM overrides
    WHERE workflow_started_at IS NULL AND status = 'active'
      AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY created_at LIMIT ${limit}`;
}

/** Overrides holding these resources at that instant: resource id to the override. */
export async function activeOverridesOn(
  sql: Db,
  resourceIds: string[],
  at: string,
): Promise<Map<string, { overrideId: string; action: ActionType; until: string }>> {
  const rows = await sql<{ resourceId: string; overrideId: string; action: ActionType; until: Date }[]>`
    SELECT DISTINCT ON (r.resource_id) r.resource_id AS "resourceId", o.id AS "overrideId", o.action, o.until
    FROM override_resources r JOIN overrides o ON o.id = r.override_id
    WHERE r.resource_id = ANY(${resourceIds}) AND o.status = 'active' AND NOT o.cancel_requested
      AND o.until > ${at} AND o.created_at <= ${at}
    ORDER BY r.resource_id, o.created_at DESC`;
  return new Map(
    rows.map((r) => [r.resourceId, { overrideId: r.overrideId, action: r.action, until: r.until.toISOString() }]),
  );
}
