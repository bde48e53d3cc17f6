import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { queryHistory } from '../../db/history';
import { StateHistoryPage, StateHistoryQuery } from '../../domain/history';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearerAuth, data, errors } from '../openapi';
import { validationHook } from '../validation';

const route = createRoute({
  method: 'get',
  path: '/state-history',
  summary: 'State transitions of your resources, oldest first (order=desc for newest first)',
  security: bearerAuth,
  request: { query: StateHistoryQuery },
  responses: { 200: data(StateHistoryPage, 'One page of history'), 400: errors[400], 401: errors[401] },
});

export function historyRoutes({ sql }: AppDeps) {
  return new OpenAPIHono<AuthEnv>({ defaultHook: validationHook }).openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { items, total } = await queryHistory(sql, c.get('caller').orgId, query);
    return c.json({ data: { items, total, page: query.page, limit: query.limit } }, 200);
  });
}
