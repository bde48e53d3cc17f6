import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributes as sa } from '../domain/searchAttributes';
import type { BulkActionInput, bulkActionWorkflow } from '../workflows/bulkAction';

/** Starts a recorded bulk action's workflow (id = bulk id); starting twice starts one. */
export async function startBulkWorkflow(client: Client, taskQueue: string, input: BulkActionInput): Promise<void> {
  try {
    await client.workflow.start<typeof bulkActionWorkflow>('bulkActionWorkflow', {
      workflowId: input.bulkId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: sa.org, value: input.orgId },
        { key: sa.kind, value: 'bulk' },
        { key: sa.bulkId, value: input.bulkId },
        { key: sa.actionType, value: input.type },
        { key: sa.changedBy, value: input.changedBy },
      ]),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}
