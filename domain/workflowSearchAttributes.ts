import { TypedSearchAttributes } from '@temporalio/common';
import type { ActionWorkflowInput } from './action';
import type { BulkActionInput } from './bulk';
import { searchAttributes as sa } from './searchAttributes';

/**
 * The search attributes of action and bulk workflows, whoever starts them
 * (the API, the reconciler, or a schedule's or override's run as a child),
 * so the Temporal Web UI filters them all alike.
 */
export function actionSearchAttributes(input: ActionWorkflowInput): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: sa.org, value: input.orgId },
    { key: sa.kind, value: 'action' },
    { key: sa.resource, value: input.resource.resourceUID },
    { key: sa.provider, value: input.resource.provider },
    { key: sa.actionType, value: input.type },
    { key: sa.changedBy, value: input.changedBy },
    ...(input.scheduleId ? [{ key: sa.scheduleId, value: input.scheduleId }] : []),
  ]);
}

export function bulkSearchAttributes(input: BulkActionInput): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: sa.org, value: input.orgId },
    { key: sa.kind, value: 'bulk' },
    { key: sa.bulkId, value: input.bulkId },
    { key: sa.actionType, value: input.type },
    { key: sa.changedBy, value: input.changedBy },
    ...(input.scheduleId ? [{ key: sa.scheduleId, value: input.scheduleId }] : []),
  ]);
}
