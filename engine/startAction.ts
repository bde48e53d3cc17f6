import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { ActionWorkflowInput } from '../domain/action';
import { searchAttributes as sa } from '../domain/searchAttributes';
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
      typedSearchAttributes: new TypedSearchAttributes([
        { key: sa.org, value: input.orgId },
        { key: sa.kind, value: 'action' },
        { key: sa.resource, value: input.resource.resourceUID },
        { key: sa.provider, value: input.resource.provider },
        { key: sa.actionType, value: input.type },
        { key: sa.changedBy, value: input.changedBy },
        ...(input.scheduleId ? [{ key: sa.scheduleId, value: input.scheduleId }] : []),
      ]),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}
