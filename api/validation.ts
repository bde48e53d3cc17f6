import type { Hook } from '@hono/zod-openapi';
import { validationError } from './errors';

/** Every route reports invalid input the same way: a 400 naming each field. */
export const validationHook: Hook<unknown, any, any, unknown> = (result) => {
  if (!result.success) throw validationError(result.error, result.target);
};
