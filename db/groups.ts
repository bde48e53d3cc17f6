import type { Sql, TransactionSql } from 'postgres';
import type { ErrorDetail } from '../domain/errors';
import type { GroupMember, Resource, ResourceGroup } from '../domain/inventory';
import { newId } from '../domain/ids';
import { resourceColumns, toResource } from './resources';

type Db = Sql | TransactionSql;

interface GroupRow {
  id: string;
  name: string;
  description: string | null;
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const toGroup = (row: GroupRow): ResourceGroup => ({
  ...row,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const groupColumns = (sql: Db) => sql`
  g.id, g.name, g.description, g.created_at AS "createdAt", g.updated_at AS "updatedAt",
  (SELECT count(*)::int FROM group_members m WHERE m.group_id = g.id) AS "memberCount"`;

/**
 * Problems with a member list, each at its index (`members.3.resourceID`):
 * unknown resources (or another organisation's) and duplicates.
 */
export async function memberIssues(sql: Db, orgId: string, members: GroupMember[]): Promise<ErrorDetail[]> {
  const ids = [...new Set(members.map((m) => m.resourceID))];
  const known = new Set(
    (await sql<{ id: string }[]>`SELECT id FROM resources WHERE org_id = ${orgId} AND id = ANY(${ids})`).map(
      (r) => r.id,
    ),
  );
  const seen = new Set<string>();
  const issues: ErrorDetail[] = [];
  members.forEach((m, i) => {
    const path = `members.${i}.resourceID`;
    if (!known.has(m.resourceID)) issues.push({ path, message: `no resource ${m.resourceID} in your organisation` });
    else if (seen.has(m.resourceID)) issues.push({ path, message: `${m.resourceID} is listed twice` });
    seen.add(m.resourceID);
  });
  return issues;
}

export async function groupNameTaken(sql: Db, orgId: string, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await sql`
    SELECT 1 FROM resource_groups WHERE org_id = ${orgId} AND name = ${name} AND id <> ${exceptId ?? ''}`;
  return Boolean(row);
}

export async function replaceMembers(sql: Db, groupId: string, members: GroupMember[]): Promise<void> {
  await sql`DELETE FROM group_members WHERE group_id = ${groupId}`;
  for (let i = 0; i < members.length; i += 5_000) {
    const rows = members.slice(i, i + 5_000).map((m) => ({
      group_id: groupId,
      resource_id: m.resourceID,
      tier: m.tier,
      order: m.order,
    }));
    await sql`INSERT INTO group_members ${sql(rows)}`;
  }
}

export async function insertGroup(
  sql: Db,
  orgId: string,
  input: { name: string; description?: string },
): Promise<string> {
  const id = newId('grp');
  await sql`
    INSERT INTO resource_groups (id, org_id, name, description)
    VALUES (${id}, ${orgId}, ${input.name}, ${input.description ?? null})`;
  return id;
}

export async function updateGroupFields(
  sql: Db,
  orgId: string,
  id: string,
  changes: { name?: string; description?: string | null },
): Promise<boolean> {
  const rows = await sql`
    UPDATE resource_groups SET
      name = ${changes.name ?? sql`name`},
      description = ${changes.description === undefined ? sql`description` : changes.description},
      updated_at = now()
    WHERE id = ${id} AND org_id = ${orgId}`;
  return rows.count > 0;
}

export async function getGroup(sql: Db, orgId: string, id: string): Promise<ResourceGroup | undefined> {
  const [row] = await sql<GroupRow[]>`
    SELECT ${groupColumns(sql)} FROM resource_groups g WHERE g.id = ${id} AND g.org_id = ${orgId}`;
  return row && toGroup(row);
}

export interface MemberWithResource extends GroupMember {
  resource: Resource;
}

/** Members with their resources, in execution order: tier, then order. */
export async function groupMembers(sql: Db, groupId: string): Promise<MemberWithResource[]> {
  const rows = await sql<(Parameters<typeof toResource>[0] & { tier: number; order: number })[]>`
    SELECT m.tier, m."order", ${resourceColumns(sql, 'r')}
    FROM group_members m JOIN resources r ON r.id = m.resource_id
    WHERE m.group_id = ${groupId}
    ORDER BY m.tier, m."order", r.id`;
  return rows.map(({ tier, order, ...resource }) => ({
    resourceID: resource.id,
    tier,
    order,
    resource: toResource(resource),
  }));
}

export async function listGroups(
  sql: Db,
  orgId: string,
  page: { page: number; limit: number },
): Promise<{ items: ResourceGroup[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    sql<GroupRow[]>`
      SELECT ${groupColumns(sql)} FROM resource_groups g WHERE g.org_id = ${orgId}
      ORDER BY g.name LIMIT ${page.limit} OFFSET ${(page.page - 1) * page.limit}`,
    sql<{ total: number }[]>`SELECT count(*)::int AS total FROM resource_groups WHERE org_id = ${orgId}`,
  ]);
  return { items: rows.map(toGroup), total: count!.total };
}

export async function deleteGroup(sql: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM resource_groups WHERE id = ${id} AND org_id = ${orgId}`;
  return rows.count > 0;
}
