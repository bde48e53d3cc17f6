import type { Sql } from 'postgres';
import { createEc2Clients } from './ec2/clients';
import { createInstanceActivities } from './ec2/instances';
import { createProjectionActivities } from './projection';

export interface ActivityDeps {
  sql: Sql;
  aws: { ec2Endpoint?: string; pollIntervalMs: number };
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createInstanceActivities({
      ec2For: createEc2Clients({ endpoint: deps.aws.ec2Endpoint }),
      pollIntervalMs: deps.aws.pollIntervalMs,
    }),
    ...createProjectionActivities(deps.sql),
  };
}

export type Activities = ReturnType<typeof createActivities>;
