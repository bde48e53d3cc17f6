import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { ActionType } from '../domain/action';
import type { BulkPlan } from '../domain/bulk';
import { newId } from '../domain/ids';
import { searchAttributes as sa } from '../domain/searchAttributes';
import type { planBulkWorkflow } from '../workflows/planBulk';

/**
 * Runs a dry run and waits for its plan. Provider reads happen in an activity
 * on the worker, which holds the credentials; the API never calls providers.
 */
export async function planBulk(
  client: Client,
  taskQueue: string,
  input: { orgId: string; groupId: string; type: ActionType },
): Promise<BulkPlan> {
  return client.workflow.execute<typeof planBulkWorkflow>('planBulkWorkflow', {
    workflowId: newId('plan'),
    taskQueue,
    args: [input],
    workflowExecutionTimeout: '2 minutes',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: sa.org, value: input.orgId },
      { key: sa.kind, value: 'plan' },
      { key: sa.actionType, value: input.type },
    ]),
  });
}
