import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionType } from '../domain/action';
import type { BulkPlan } from '../domain/bulk';

const { planBulkAction } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 3 },
});

/** A dry run: the plan of a bulk action from current states, acting on nothing. */
export async function planBulkWorkflow(input: { orgId: string; groupId: string; type: ActionType }): Promise<BulkPlan> {
  return planBulkAction(input);
}
