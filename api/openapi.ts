import { z } from '@hono/zod-openapi';
import { ErrorBody } from './errors';

/** A JSON response in the OpenAPI document. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** `{data: ...}`, the native API's envelope. */
export const data = <T extends z.ZodType>(schema: T, description: string) =>
  json(z.object({ data: schema }), description);

/** A page of items. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), limit: z.number().int() });

export const errors = {
  400: json(ErrorBody, 'Invalid input: each bad field is named in details'),
  401: json(ErrorBody, 'Missing or bad token'),
  404: json(ErrorBody, 'Not found in your organisation'),
  409: json(ErrorBody, 'Conflicts with what exists'),
  422: json(ErrorBody, 'Idempotency-Key reused with a different body'),
  503: json(ErrorBody, 'Temporal did not answer in time'),
} as const;

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

/** The security scheme every route but /health requires (registered in app.ts). */
export const bearerScheme = 'bearer';
export const bearerAuth = [{ [bearerScheme]: [] }];

/** An id in a path. */
export const Id = z.string().min(1).max(64);
