import type { Sql } from 'postgres';
import type { AccountRegistry } from '../runtime/accounts';
import { createEc2Clients } from './ec2/clients';
import { createInstanceActivities } from './ec2/instances';
import { createKubeClients } from './k8s/clients';
import { createKubernetesObserver } from './k8s/observe';
import { createPhaseActivities } from './k8s/phases';
import { createPlanActivities } from './plan';
import { createProjectionActivities } from './projection';
import { createRateLimiter } from './rateLimiter';

export interface ActivityDeps {
  sql: Sql;
  accounts: AccountRegistry;
  aws: { ec2Endpoint?: string; pollIntervalMs: number };
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  const limiter = createRateLimiter(deps.sql, deps.accounts);
  const instances = createInstanceActivities({
    ec2For: createEc2Clients({ accounts: deps.accounts, defaultEndpoint: deps.aws.ec2Endpoint }),
    limiter,
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
  };
}

export type Activities = ReturnType<typeof createActivities>;
