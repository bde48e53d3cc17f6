import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { searchAttributes as sa } from '../domain/searchAttributes';
import type { overrideWorkflow } from '../workflows/override';
import { startOnce } from './startOnce';

/** Starts a recorded override's workflow (workflow id = override id). */
export function startOverrideWorkflow(
  client: Client,
  taskQueue: string,
  input: { overrideId: string; orgId: string; action: string },
): Promise<void> {
  return startOnce<typeof overrideWorkflow>(client, 'overrideWorkflow', {
    workflowId: input.overrideId,
    taskQueue,
    args: [{ overrideId: input.overrideId }],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: sa.org, value: input.orgId },
      { key: sa.kind, value: 'override' },
      { key: sa.actionType, value: input.action },
      { key: sa.changedBy, value: `override:${input.action}` },
    ]),
  });
}
