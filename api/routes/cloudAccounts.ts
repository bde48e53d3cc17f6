import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { CloudAccountView } from '../../domain/cloudAccount';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearerAuth, data, errors } from '../openapi';

const route = createRoute({
  method: 'get',
  path: '/cloud-accounts',
  summary: 'Cloud accounts and clusters your organisation may act on (how they authenticate, never with what)',
  security: bearerAuth,
  responses: { 200: data(z.array(CloudAccountView), 'Configured accounts'), 401: errors[401] },
});

export function cloudAccountRoutes({ accounts }: AppDeps) {
  return new OpenAPIHono<AuthEnv>().openapi(route, (c) =>
    c.json({ data: accounts.listFor(c.get('caller').orgName) }, 200),
  );
}
