import type { ProviderFailure } from '../providerFailure';

/** Provider errors that succeed if tried again later. */
const retryableCodes = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'InsufficientReservedInstanceCapacity',
  'IncorrectInstanceState',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'TimeoutError',
]);

/** Errors that concern the whole request rather than one instance of it. */
const callLevelCodes = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'RequestTimeout',
  'TimeoutError',
  'UnauthorizedOperation',
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'OptInRequired',
]);

export interface ProviderError extends ProviderFailure {
  callLevel: boolean;
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Reduces any error thrown by the EC2 SDK to a code, a message and whether to retry. */
export function classifyEc2Error(error: unknown): ProviderError {
  const e = (error ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  // No HTTP status: the request never got an answer (refused, reset, timed out).
  if (status === undefined && !e.Code) {
    const code = e.code ?? e.name ?? 'NetworkError';
    return { code, message: e.message ?? String(error), retryable: true, callLevel: true };
  }
  const code = e.Code ?? e.name ?? 'UnknownError';
  const serverSide = status !== undefined && status >= 500;
  return {
    code,
    message: e.message ?? code,
    retryable: serverSide || retryableCodes.has(code),
    callLevel: serverSide || callLevelCodes.has(code),
  };
}
