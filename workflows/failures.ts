import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/workflow';

/** A failure as users read it: the provider's code and its message. */
export interface FailureInfo {
  code: string;
  message: string;
}

/** Reduces an activity or child failure to its root cause's code and message, never a stack. */
export function describeFailure(error: unknown): FailureInfo {
  let cause = error;
  while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) && cause.cause) {
    cause = cause.cause;
  }
  if (cause instanceof TimeoutFailure) {
    const limit = String(cause.timeoutType).toLowerCase().replace(/_/g, '-');
    return { code: 'Timeout', message: `the step did not finish within its ${limit} limit` };
  }
  if (cause instanceof ApplicationFailure && cause.type) {
    const prefix = `${cause.type}: `;
    const message = cause.message.startsWith(prefix) ? cause.message.slice(prefix.length) : cause.message;
    return { code: cause.type, message };
  }
  return { code: 'Error', message: cause instanceof Error ? cause.message : String(cause) };
}

/** The `errorMessage` users see: `Code: message`. */
export function failureMessage(error: unknown): string {
  const { code, message } = describeFailure(error);
  return `${code}: ${message}`;
}
