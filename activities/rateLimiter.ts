import { Context } from '@temporalio/activity';
import type { Sql } from 'postgres';
import { takeTokens } from '../db/rateLimits';
import type { AccountRegistry } from '../runtime/accounts';

export interface RateLimiter {
  /** Waits (heartbeating) until a call to this provider, account and region is allowed. */
  acquire(provider: string, cloudAccountID: string, region: string): Promise<void>;
}

/**
 * Provider calls are rate-limited per provider, account and region with token
 * buckets in PostgreSQL, so the limit holds however many workers run.
 */
export function createRateLimiter(sql: Sql, accounts: AccountRegistry): RateLimiter {
  return {
    async acquire(provider, cloudAccountID, region) {
      const key = `${provider}:${cloudAccountID}:${region}`;
      const limit = accounts.rateLimit(cloudAccountID);
      for (;;) {
        const waitMs = await takeTokens(sql, key, limit);
        if (waitMs === 0) return;
        Context.current().heartbeat({ rateLimited: key });
        await Context.current().sleep(waitMs);
      }
    },
  };
}
