/**
 * Every error a user can see carries a stable machine-readable code and a
 * human message; the API maps codes to HTTP statuses in one place.
 */
export const errorCodes = [
  'validation_failed',
  'malformed_request',
  'unsupported_media_type',
  'payload_too_large',
  'unauthorized',
  'not_found',
  'conflict',
  'idempotency_key_reused',
  'temporal_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}
