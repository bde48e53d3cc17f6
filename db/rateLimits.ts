import type { Sql } from 'postgres';
import type { RateLimit } from '../domain/cloudAccount';

/**
 * Takes `n` tokens from a bucket shared by every worker (refilled at
 * `perSecond`, holding at most `burst`), in one atomic statement. Answers 0
 * when taken, or how many milliseconds to wait before enough tokens will be there.
 */
export async function takeTokens(sql: Sql, key: string, limit: RateLimit, n = 1): Promise<number> {
  const refill = sql`least(${limit.burst}::float8,
    rate_buckets.tokens + extract(epoch FROM clock_timestamp() - rate_buckets.updated_at) * ${limit.perSecond}::float8)`;
  const [row] = await sql<{ taken: boolean; tokens: number }[]>`
    INSERT INTO rate_buckets (key, tokens, updated_at, taken)
    VALUES (${key}, ${limit.burst}::float8 - ${n}, clock_timestamp(), true)
    ON CONFLICT (key) DO UPDATE SET
      tokens = CASE WHEN ${refill} >= ${n} THEN ${refill} - ${n} ELSE ${refill} END,
      taken = ${refill} >= ${n},
      updated_at = clock_timestamp()
    RETURNING taken, tokens`;
  if (row!.taken) return 0;
  return Math.ceil(((n - row!.tokens) / limit.perSecond) * 1000);
}
