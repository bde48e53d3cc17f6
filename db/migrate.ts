import { readdir, readFile } from 'node:fs/promises';
import type { Sql } from 'postgres';

const migrationsDir = new URL('./migrations/', import.meta.url);
// Any constant works; it only has to be the same in every process.
const migrationLock = 73_616_201;

/**
 * Applies the SQL files in db/migrations in name order, each once, all in one
 * transaction under an advisory lock so that an API and a worker starting
 * together do not race.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort();
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${migrationLock})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
    const done = new Set(
      (await tx<{ version: string }[]>`SELECT version FROM schema_migrations`).map((r) => r.version),
    );
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      await tx.unsafe(await readFile(new URL(file, migrationsDir), 'utf8'));
      await tx`INSERT INTO schema_migrations (version) VALUES (${file})`;
      applied.push(file);
    }
    return applied;
  });
}
