import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { queryHistory } from '../../db/history';
import { StateHistoryPage, StateHistoryQuery } from '../../domain/history';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { ErrorBody } from '../errors';
import { validationHook } from '../validation';

const route = createRoute({
  method: 'get',
  path: '/state-history',
  summary: 'State transitions of your resources, oldest first (order=desc for newest first)',
  security: [{ bearer: [] }],
  request: { query: StateHistoryQuery },
  responses: {
    200: {
      description: 'One page of history',
      content: { 'application/json': { schema: z.object({ data: StateHistoryPage }) } },
    },
    400: { description: 'Invalid query', content: { 'application/json': { schema: ErrorBody } } },
    401: { description: 'Missing or bad token', content: { 'application/json': { schema: ErrorBody } } },
  },
});

export function historyRoutes({ sql }: AppDeps) {
  return new OpenAPIHono<AuthEnv>({ defaultHook: validationHook }).openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { items, total } = await queryHistory(sql, c.get('caller').orgId, query);
    return c.json({ data: { items, total, page: query.page, limit: query.limit } }, 200);
  });
}
