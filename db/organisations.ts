import type { Sql } from 'postgres';
import { newId } from '../domain/ids';

export interface Organisation {
  id: string;
  name: string;
}

/** Finds an organisation by name, creating it on first use. */
export async function ensureOrganisation(sql: Sql, name: string): Promise<Organisation> {
  const [org] = await sql<Organisation[]>`
    INSERT INTO organisations (id, name) VALUES (${newId('org')}, ${name})
    ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
    RETURNING id, name`;
  return org!;
}
