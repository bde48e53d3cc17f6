import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/**
 * Starts a workflow whose id is a projection record's id. Starting twice
 * starts one workflow, so the API and the reconciler may both try: whoever
 * is second finds it started (or finished) and carries on.
 */
export async function startOnce<W extends Workflow>(
  client: Client,
  workflowType: string,
  options: WorkflowStartOptions<W>,
): Promise<void> {
  try {
    await client.workflow.start<W>(workflowType, { ...options, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
