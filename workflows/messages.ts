import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ActionSnapshot } from './actionProgress';

/** The action's status and steps as the workflow sees them right now. */
export const actionProgressQuery = defineQuery<ActionSnapshot>('actionProgress');

/** Sent by the action that finishes on a resource to the next one queued on it. */
export const resourceFreedSignal = defineSignal('resourceFreed');
