import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { ActionWorkflowInput } from '../domain/action';
import { actionSearchAttributes } from '../domain/workflowSearchAttributes';
import type { actionWorkflow } from '../workflows';

/**
 * Starts the workflow of an action recorded in the projection. The workflow
 * id is the action id, so starting twice starts one workflow: a caller that
 * is not sure whether an earlier attempt got through can simply call again.
 */
export async function startActionWorkflow(
  client: Client,
  taskQueue: string,
  input: ActionWorkflowInput,
): Promise<void> {
  try {
    await client.workflow.start<typeof actionWorkflow>('actionWorkflow', {
      workflowId: input.actionId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: actionSearchAttributes(input),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}
