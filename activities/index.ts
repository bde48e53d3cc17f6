import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import { journalCalls, journaledCalls } from '../db/providerCalls';
import type { AccountRegistry } from '../runtime/accounts';
import { createEc2Clients } from './ec2/clients';
import { createInstanceActivities } from './ec2/instances';
import { createOverrideActivities } from './overrides';
import { createPlanActivities } from './plan';
import { createProjectionActivities } from './projection';
import { createRateLimiter } from './rateLimiter';
import { createScheduledRunActivities } from './scheduledRuns';

export interface ActivityDeps {
  sql: Sql;
  accounts: AccountRegistry;
  /** For reading schedules' matching times (override expiry). */
  temporal: Client;
  aws: { ec2Endpoint?: string; pollIntervalMs: number };
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  const instances = createInstanceActivities({
    ec2For: createEc2Clients({ accounts: deps.accounts, defaultEndpoint: deps.aws.ec2Endpoint }),
    limiter: createRateLimiter(deps.sql, deps.accounts),
    journal: {
      record: (step, entries) => journalCalls(deps.sql, step, entries),
      lookup: (step, actionIds) => journaledCalls(deps.sql, step, actionIds),
    },
    pollIntervalMs: deps.aws.pollIntervalMs,
  });
  return {
    ...instances,
    ...createProjectionActivities(deps.sql),
    ...createPlanActivities({ sql: deps.sql, observeInstances: instances.observeInstances }),
    ...createScheduledRunActivities({ sql: deps.sql }),
    ...createOverrideActivities({ sql: deps.sql, temporal: deps.temporal }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
