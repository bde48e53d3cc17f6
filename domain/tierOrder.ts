import type { ActionType } from './action';

/**
 * Start runs tiers ascending (databases before apps), stop descending; within
 * a tier, `order` runs ascending on start and descending on stop, so that
 * stopping undoes starting in mirror order. (No zod here: workflow code uses it.)
 */
export function runsDescending(type: ActionType): boolean {
  return type === 'stop';
}
