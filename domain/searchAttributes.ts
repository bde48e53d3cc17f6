import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import names from './searchAttributeNames.json';

/**
 * Search attributes on every Lamplighter workflow, so the Temporal Web UI can
 * filter by organisation, resource, provider, action type and changedBy.
 * The names live in searchAttributeNames.json, which temporal-dev.sh also reads.
 */
export const searchAttributes = {
  org: defineSearchAttributeKey(names.org, SearchAttributeType.KEYWORD),
  kind: defineSearchAttributeKey(names.kind, SearchAttributeType.KEYWORD),
  resource: defineSearchAttributeKey(names.resource, SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey(names.provider, SearchAttributeType.KEYWORD),
  actionType: defineSearchAttributeKey(names.actionType, SearchAttributeType.KEYWORD),
  changedBy: defineSearchAttributeKey(names.changedBy, SearchAttributeType.KEYWORD),
  bulkId: defineSearchAttributeKey(names.bulkId, SearchAttributeType.KEYWORD),
  scheduleId: defineSearchAttributeKey(names.scheduleId, SearchAttributeType.KEYWORD),
} as const;

export const searchAttributeNames: readonly string[] = Object.values(names);
