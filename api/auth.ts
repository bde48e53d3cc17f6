import { createMiddleware } from 'hono/factory';
import type { Sql } from 'postgres';
import { findCaller, type Caller } from '../db/tokens';
import { AppError } from '../domain/errors';

export interface AuthEnv {
  Variables: { caller: Caller };
}

/** Resolves `Authorization: Bearer <token>` to the calling user and organisation. */
export function requireCaller(sql: Sql) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new AppError('unauthorized', 'Missing bearer token: send Authorization: Bearer <token>');
    }
    const caller = await findCaller(sql, match[1]!);
    if (!caller) {
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new AppError('unauthorized', 'Invalid or revoked token');
    }
    c.set('caller', caller);
    await next();
  });
}
