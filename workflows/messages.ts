import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ActionSnapshot } from './actionProgress';
import type { BulkSnapshot } from './bulkProgress';

/** The action's status and steps as the workflow sees them right now. */
export const actionProgressQuery = defineQuery<ActionSnapshot>('actionProgress');

/** The bulk action's phase, tier and counts as the workflow sees them right now. */
export const bulkProgressQuery = defineQuery<BulkSnapshot>('bulkProgress');

/** Sent by the action that finishes on a resource to the workflow of the next one queued on it. */
export const resourceFreedSignal = defineSignal('resourceFreed');
