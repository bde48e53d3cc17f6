import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import { journalCalls, journaledCalls } from '../db/providerCalls';
import type { AccountRegistry } from '../runtime/accounts';
import { createEc2Clients } from './ec2/clients';
import { createInstanceActivities } from './ec2/instances';
import { createKubeClients } from './k8s/clients';
import { createKubernetesObserver } from './k8s/observe';
import { createPhaseActivities } from './k8s/phases';
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
  const limiter = createRateLimiter(deps.sql, deps.accounts);
  const instances = createInstanceActivities({
    ec2For: createEc2Clients({ accounts: deps.accounts, defaultEndpoint: deps.aws.ec2Endpoint }),
    limiter,
    journal: {
      record: (step, entries) => journalCalls(deps.sql, step, entries),
      lookup: (step, actionIds) => journaledCalls(deps.sql, step, actionIds),
    },
    pollIntervalMs: deps.aws.pollIntervalMs,
  });
  const cluster = { kubeFor: createKubeClients(deps.accounts), limiter };
  return {
    ...instances,
    ...createPhaseActivities(cluster),
    ...createProjectionActivities(deps.sql),
    ...createPlanActivities({
      sql: deps.sql,
      observeInstances: instances.observeInstances,
      observeKubernetes: createKubernetesObserver(cluster),
    }),
    ...createScheduledRunActivities({ sql: deps.sql }),
    ...createOverrideActivities({ sql: deps.sql, temporal: deps.temporal }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
