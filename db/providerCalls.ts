import type { Sql, TransactionSql } from 'postgres';

type Db = Sql | TransactionSql;

export interface JournalEntry {
  actionId: string;
  previousState: string;
}

/** Notes, before calling the provider, which actions are about to change their resource and from what. */
export async function journalCalls(sql: Db, step: string, entries: JournalEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({ action_id: e.actionId, step, previous_state: e.previousState }));
  await sql`INSERT INTO provider_calls ${sql(rows)} ON CONFLICT DO NOTHING`;
}

/** Which of these actions already called the provider for this step, with the state before the call. */
export async function journaledCalls(sql: Db, step: string, actionIds: string[]): Promise<Map<string, string>> {
  if (actionIds.length === 0) return new Map();
  const rows = await sql<{ actionId: string; previousState: string }[]>`
    SELECT action_id AS "actionId", previous_state AS "previousState" FROM provider_calls
    WHERE step = ${step} AND action_id = ANY(${actionIds})`;
  return new Map(rows.map((r) => [r.actionId, r.previousState]));
}

/** Finished actions need their journal no more. */
export async function forgetCalls(sql: Db, actionIds: string[]): Promise<void> {
  await sql`DELETE FROM provider_calls WHERE action_id = ANY(${actionIds})`;
}
