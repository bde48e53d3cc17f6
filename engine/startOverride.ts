import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributes as sa } from '../domain/searchAttributes';
import type { overrideWorkflow } from '../workflows/override';

/** Starts a recorded override's workflow (id = override id); starting twice starts one. */
export async function startOverrideWorkflow(
  client: Client,
  taskQueue: string,
  input: { overrideId: string; orgId: string; action: string },
): Promise<void> {
  try {
    await client.workflow.start<typeof overrideWorkflow>('overrideWorkflow', {
      workflowId: input.overrideId,
      taskQueue,
      args: [{ overrideId: input.overrideId }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: sa.org, value: input.orgId },
        { key: sa.kind, value: 'override' },
        { key: sa.actionType, value: input.action },
        { key: sa.changedBy, value: `override:${input.action}` },
      ]),
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw error;
  }
}
