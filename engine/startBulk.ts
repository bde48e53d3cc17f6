import type { Client } from '@temporalio/client';
import type { BulkActionInput } from '../domain/bulk';
import { bulkSearchAttributes } from '../domain/workflowSearchAttributes';
import type { bulkActionWorkflow } from '../workflows/bulkAction';
import { startOnce } from './startOnce';

/** Starts a recorded bulk action's workflow (workflow id = bulk action id). */
export function startBulkWorkflow(client: Client, taskQueue: string, input: BulkActionInput): Promise<void> {
  return startOnce<typeof bulkActionWorkflow>(client, 'bulkActionWorkflow', {
    workflowId: input.bulkId,
    taskQueue,
    args: [input],
    typedSearchAttributes: bulkSearchAttributes(input),
  });
}
