import { ApplicationFailure } from '@temporalio/activity';

/** A provider's error reduced to what users and the retry policy need. */
export interface ProviderFailure {
  code: string;
  message: string;
  retryable: boolean;
}

/** The error as Temporal sees it: the provider's code as the failure type. */
export function toFailure(error: ProviderFailure): ApplicationFailure {
  return ApplicationFailure.create({
    type: error.code,
    message: `${error.code}: ${error.message}`,
    nonRetryable: !error.retryable,
  });
}
