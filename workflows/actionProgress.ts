import type { ActionStatus } from '../domain/action';
import type { ExecutionState } from '../domain/history';

export interface ActionSnapshot {
  status: ActionStatus;
  /** While pending: the action on the same resource this one waits for. */
  waitingFor?: string;
  steps: ExecutionState[];
  errorMessage?: string;
}

/** The live state of one action, kept in a plain class so it is unit-testable. */
export class ActionProgress {
  private status: ActionStatus = 'pending';
  private waitingFor?: string;
  private errorMessage?: string;
  private readonly steps: ExecutionState[] = [];

  waiting(blockedBy: string): void {
    this.waitingFor = blockedBy;
  }

  running(): void {
    this.status = 'running';
    this.waitingFor = undefined;
  }

  stepStarted(step: string): void {
    this.steps.push({ step, status: 'running' });
  }

  stepEnded(state: ExecutionState): void {
    const index = this.steps.findLastIndex((s) => s.step === state.step);
    if (index >= 0) this.steps[index] = state;
    else this.steps.push(state);
  }

  /** The step that was running when something failed, if any. */
  currentStep(): string | undefined {
    return this.steps.findLast((s) => s.status === 'running')?.step;
  }

  succeeded(): void {
    this.status = 'succeeded';
  }

  failed(errorMessage: string): void {
    this.status = 'failed';
    this.errorMessage = errorMessage;
  }

  snapshot(): ActionSnapshot {
    return {
      status: this.status,
      ...(this.waitingFor ? { waitingFor: this.waitingFor } : {}),
      steps: this.steps.map((s) => ({ ...s })),
      ...(this.errorMessage ? { errorMessage: this.errorMessage } : {}),
    };
  }
}
