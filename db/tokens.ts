import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import { newId } from '../domain/ids';

export interface Caller {
  tokenId: string;
  orgId: string;
  orgName: string;
  email: string;
}

export interface TokenSummary {
  id: string;
  email: string;
  org: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Creates a token for a user of an organisation and returns it: this is the
 * only time the token exists outside the caller's hands (only its hash is kept).
 */
export async function createToken(
  sql: Sql,
  input: { orgId: string; email: string; label?: string },
): Promise<{ id: string; token: string }> {
  const id = newId('tok');
  const token = `llt_${randomBytes(30).toString('base64url')}`;
  await sql`
    INSERT INTO api_tokens (id, org_id, email, label, token_hash)
    VALUES (${id}, ${input.orgId}, ${input.email}, ${input.label ?? null}, ${hashToken(token)})`;
  return { id, token };
}

export async function findCaller(sql: Sql, token: string): Promise<Caller | undefined> {
  const [row] = await sql<(Caller & { stale: boolean })[]>`
    SELECT t.id AS "tokenId", t.org_id AS "orgId", o.name AS "orgName", t.email,
           coalesce(t.last_used_at < now() - interval '1 minute', true) AS stale
    FROM api_tokens t JOIN organisations o ON o.id = t.org_id
    WHERE t.token_hash = ${hashToken(token)} AND t.revoked_at IS NULL`;
  if (!row) return undefined;
  // Recording use once a minute at most keeps reads cheap.
  if (row.stale) await sql`UPDATE api_tokens SET last_used_at = now() WHERE id = ${row.tokenId}`;
  const { stale: _, ...caller } = row;
  return caller;
}

export async function listTokens(sql: Sql): Promise<TokenSummary[]> {
  return sql<TokenSummary[]>`
    SELECT t.id, t.email, o.name AS org, t.label,
           t.created_at AS "createdAt", t.last_used_at AS "lastUsedAt", t.revoked_at AS "revokedAt"
    FROM api_tokens t JOIN organisations o ON o.id = t.org_id
    ORDER BY t.created_at`;
}

export async function revokeToken(sql: Sql, id: string): Promise<boolean> {
  const rows = await sql`UPDATE api_tokens SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL`;
  return rows.count > 0;
}

export async function countTokens(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM api_tokens`;
  return row!.n;
}
