import type { ActionType } from './action';

/** What an action must do about an instance, given the state EC2 reports. */
export type InstanceDecision = 'act' | 'done' | 'settle' | 'impossible';

const rules: Record<ActionType, { done: string[]; act: string[]; settle: string[] }> = {
  // `stopping` counts as done: the stop is under way and the wait step follows it.
  stop: { done: ['stopped', 'stopping'], act: ['running'], settle: ['pending'] },
  start: { done: ['running', 'pending'], act: ['stopped'], settle: ['stopping'] },
};

export function decide(action: ActionType, state: string): InstanceDecision {
  const rule = rules[action];
  if (rule.done.includes(state)) return 'done';
  if (rule.act.includes(state)) return 'act';
  if (rule.settle.includes(state)) return 'settle';
  return 'impossible';
}

export const targetState = { start: 'running', stop: 'stopped' } as const satisfies Record<ActionType, string>;
export type TargetState = (typeof targetState)[ActionType];

/**
 * While waiting for `target`, a state that means the instance will not get
 * there: terminated, or stopped again by EC2 itself (a start that failed for
 * capacity reports `Server.InsufficientInstanceCapacity` as its state reason).
 */
export function hasFailedToReach(target: TargetState, state: string, reasonCode?: string): boolean {
  if (state === 'terminated' || state === 'shutting-down') return true;
  return target === 'running' && state === 'stopped' && Boolean(reasonCode?.startsWith('Server.'));
}
