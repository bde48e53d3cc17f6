import type { Client } from '@temporalio/client';
import type { ActionWorkflowInput } from '../domain/action';
import { actionSearchAttributes } from '../domain/workflowSearchAttributes';
import type { actionWorkflow } from '../workflows/action';
import { startOnce } from './startOnce';

/** Starts the workflow of an action recorded in the projection (workflow id = action id). */
export function startActionWorkflow(client: Client, taskQueue: string, input: ActionWorkflowInput): Promise<void> {
  return startOnce<typeof actionWorkflow>(client, 'actionWorkflow', {
    workflowId: input.actionId,
    taskQueue,
    args: [input],
    typedSearchAttributes: actionSearchAttributes(input),
  });
}
