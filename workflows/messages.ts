import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ActionSnapshot } from './actionProgress';
import type { BulkSnapshot } from './bulkProgress';

/** The action's status and steps as the workflow sees them right now. */
export const actionProgressQuery = defineQuery<ActionSnapshot>('actionProgress');

/** The bulk action's phase, tier and counts as the workflow sees them right now. */
export const bulkProgressQuery = defineQuery<BulkSnapshot>('bulkProgress');

/** Sent by the action that finishes on a resource to the workflow of the next one queued on it. */
export const resourceFreedSignal = defineSignal('resourceFreed');

/** A new end for an override. */
export const extendOverrideSignal = defineSignal<[{ until: string }]>('extendOverride');

/** End an override now: its resources go back to what their schedules say. */
export const cancelOverrideSignal = defineSignal('cancelOverride');

/** When the override ends, as its workflow has it. */
export const overrideUntilQuery = defineQuery<string>('overrideUntil');
