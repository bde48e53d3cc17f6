import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/workflow';

/**
 * The message a user reads in `errorMessage`: the provider's own
 * `Code: message` where there is one, never a stack.
 */
export function failureMessage(error: unknown): string {
  let cause = error;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) {
    cause = cause.cause;
  }
  if (cause instanceof TimeoutFailure) {
    return `Timeout: the step did not finish within its ${String(cause.timeoutType).toLowerCase().replace(/_/g, '-')} limit`;
  }
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return String(cause);
}
