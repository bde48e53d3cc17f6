import type { Sql, TransactionSql } from 'postgres';
import type { CreateResourceRequest, Resource } from '../domain/inventory';
import { newId } from '../domain/ids';

type Db = Sql | TransactionSql;

interface ResourceRow {
  id: string;
  resourceUID: string;
  provider: string;
  resourceType: string;
  cloudAccountID: string;
  region: string;
  name: string | null;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export const resourceColumns = (sql: Db, table = 'resources') => sql`
  ${sql(table)}.id, resource_uid AS "resourceUID", provider, resource_type AS "resourceType",
  cloud_account_id AS "cloudAccountID", region, name, tags,
  ${sql(table)}.created_at AS "createdAt", ${sql(table)}.updated_at AS "updatedAt"`;

export function toResource(row: ResourceRow): Resource {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** Inserts a resource; answers undefined when the organisation already has it. */
export async function insertResource(
  sql: Db,
  orgId: string,
  input: CreateResourceRequest,
): Promise<Resource | undefined> {
  const [row] = await sql<ResourceRow[]>`
    INSERT INTO resources (id, org_id, resource_uid, provider, resource_type, cloud_account_id, region, name, tags)
    VALUES (${newId('res')}, ${orgId}, ${input.resourceUID}, ${input.provider}, ${input.resourceType},
            ${input.cloudAccountID}, ${input.region}, ${input.name ?? null}, ${sql.json(input.tags ?? {})})
    ON CONFLICT (org_id, provider, cloud_account_id, region, resource_uid) DO NOTHING
    RETURNING ${resourceColumns(sql)}`;
  return row && toResource(row);
}

export async function findResourceByRef(
  sql: Db,
  orgId: string,
  ref: CreateResourceRequest,
): Promise<string | undefined> {
  const [row] = await sql<{ id: string }[]>`
    SELECT id FROM resources
    WHERE org_id = ${orgId} AND provider = ${ref.provider} AND cloud_account_id = ${ref.cloudAccountID}
      AND region = ${ref.region} AND resource_uid = ${ref.resourceUID}`;
  return row?.id;
}

export async function getResource(sql: Db, orgId: string, id: string): Promise<Resource | undefined> {
  const [row] = await sql<ResourceRow[]>`
    SELECT ${resourceColumns(sql)} FROM resources WHERE id = ${id} AND org_id = ${orgId}`;
  return row && toResource(row);
}

export interface ResourceFilter {
  provider?: string;
  cloudAccountID?: string;
  region?: string;
  resourceUID?: string;
  page: number;
  limit: number;
}

export async function listResources(
  sql: Db,
  orgId: string,
  f: ResourceFilter,
): Promise<{ items: Resource[]; total: number }> {
  const where = sql`
    WHERE org_id = ${orgId}
    ${f.provider ? sql`AND provider = ${f.provider}` : sql``}
    ${f.cloudAccountID ? sql`AND cloud_account_id = ${f.cloudAccountID}` : sql``}
    ${f.region ? sql`AND region = ${f.region}` : sql``}
    ${f.resourceUID ? sql`AND resource_uid = ${f.resourceUID}` : sql``}`;
  const [rows, [count]] = await Promise.all([
    sql<ResourceRow[]>`
      SELECT ${resourceColumns(sql)} FROM resources ${where}
      ORDER BY created_at, id LIMIT ${f.limit} OFFSET ${(f.page - 1) * f.limit}`,
    sql<{ total: number }[]>`SELECT count(*)::int AS total FROM resources ${where}`,
  ]);
  return { items: rows.map(toResource), total: count!.total };
}

export async function updateResource(
  sql: Db,
  orgId: string,
  id: string,
  changes: { name?: string; tags?: Record<string, string> },
): Promise<Resource | undefined> {
  const [row] = await sql<ResourceRow[]>`
    UPDATE resources SET
      name = ${changes.name === undefined ? sql`name` : changes.name},
      tags = ${changes.tags === undefined ? sql`tags` : sql.json(changes.tags)},
      updated_at = now()
    WHERE id = ${id} AND org_id = ${orgId}
    RETURNING ${resourceColumns(sql)}`;
  return row && toResource(row);
}

/** Names of the groups a resource belongs to (it cannot be deleted while it is in any). */
export async function groupsOfResource(sql: Db, id: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT g.name FROM group_members m JOIN resource_groups g ON g.id = m.group_id
    WHERE m.resource_id = ${id} ORDER BY g.name`;
  return rows.map((r) => r.name);
}

export async function deleteResource(sql: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await sql`DELETE FROM resources WHERE id = ${id} AND org_id = ${orgId}`;
  return rows.count > 0;
}
