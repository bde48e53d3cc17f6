import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { bulkSearchAttributes } from '../domain/workflowSearchAttributes';
import type { BulkActionInput } from '../domain/bulk';
import type { bulkActionWorkflow } from '../workflows/bulkAction';

/** Starts a recorded bulk action's workflow (id = bulk id); starting twice starts one. */
export async function startBulkWorkflow(client: Client, taskQueue: string, input: BulkActionInput): Promise<void> {
  try {
    await client.workflow.start<typeof bulkActionWorkflow>('bulkActionWorkflow', {
      workflowId: input.bulkId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: bulkSearchAttributes(input),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}
