import type { ActionType } from '../domain/action';
import type { ExecutionState, StepStatus } from '../domain/history';
import type { ResourceRef } from '../domain/resource';

/** One observed state of a resource, before it becomes a history row. */
export interface StateChange {
  state: string;
  /** When the provider reported it. */
  at: string;
  execution: ExecutionState;
  errorMessage?: string;
}

/** An action on one resource, as transitions and turns see it. */
export interface Member {
  actionId: string;
  resource: ResourceRef;
}

export interface RecordedChange {
  member: Member;
  change: StateChange;
}

export interface TransitionHooks {
  /** Writes intermediate state changes to history right away. */
  record(changes: RecordedChange[]): Promise<void>;
  /** A step starts or ends (for progress queries). */
  step?(step: string, status: StepStatus): void;
}

/**
 * Moves members (one resource type, account and region) to the target state
 * of `type` and answers each member's final state change: the target state,
 * or `failed` with the step and the provider's message. Never throws for a
 * provider failure.
 */
export type Transition = (
  type: ActionType,
  members: Member[],
  hooks: TransitionHooks,
) => Promise<Map<string, StateChange>>;

export function failedChange(step: string, errorMessage: string, at: string): StateChange {
  return { state: 'failed', at, execution: { step, status: 'failed' }, errorMessage };
}
