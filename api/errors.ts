import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z, type ZodError } from 'zod';
import { AppError, errorCodes, type ErrorCode, type ErrorDetail } from '../domain/errors';
import type { Logger } from '../runtime/logger';

const statusByCode: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  malformed_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 422,
  temporal_unavailable: 503,
  internal: 500,
};

/** The one error shape of the native API. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

export function errorResponse(c: Context, code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return c.json({ error: { code, message, ...(details ? { details } : {}) } }, statusByCode[code]);
}

const locations: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' };

/** zod issues as `{path, message}` with the part of the request they are in, e.g. `body.region`. */
export function validationError(error: ZodError, target: string): AppError {
  const where = locations[target] ?? target;
  const details = error.issues.flatMap((issue) => {
    const path = [where, ...issue.path.map(String)];
    // An unknown field is reported at the field itself, not at its parent.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
  return new AppError(
    'validation_failed',
    `Invalid request ${where}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}

const codeByHttpStatus: Partial<Record<number, ErrorCode>> = {
  400: 'malformed_request',
  401: 'unauthorized',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Known errors answer with their code; anything else is logged and answered
 * with a bare 500, so no stack trace or secret reaches the client.
 */
export function handleError(log: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof AppError) return errorResponse(c, error.code, error.message, error.details);
    // A unique constraint lost a race with a concurrent request.
    if ((error as { code?: string }).code === '23505') {
      return errorResponse(c, 'conflict', 'Conflicts with a record created at the same time; retry to see it');
    }
    if (error instanceof HTTPException) {
      const code = codeByHttpStatus[error.status];
      if (code) return errorResponse(c, code, error.message || 'Bad request');
    }
    log.error({ err: error, method: c.req.method, path: c.req.path }, 'unexpected error');
    return errorResponse(c, 'internal', 'Internal error; it has been logged');
  };
}

export function handleNotFound(c: Context) {
  return errorResponse(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`);
}
