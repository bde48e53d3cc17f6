import type { ExecutionState } from '../domain/history';

/** One observed state of a resource, before it becomes a history row. */
export interface StateChange {
  state: string;
  /** When the provider reported it. */
  at: string;
  execution: ExecutionState;
  errorMessage?: string;
}

/** Runs named steps, keeping the progress map current and failures attributed. */
export interface StepRunner {
  run<T>(step: string, fn: () => Promise<T>): Promise<T>;
  /** Writes an intermediate state change to history right away. */
  record(change: StateChange): Promise<void>;
}
