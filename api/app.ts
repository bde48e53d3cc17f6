import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requireCaller, type AuthEnv } from './auth';
import type { AppDeps } from './deps';
import { handleError, handleNotFound } from './errors';
import { bearerScheme } from './openapi';
import { actionRoutes } from './routes/actions';
import { bulkRoutes } from './routes/bulk';
import { cloudAccountRoutes } from './routes/cloudAccounts';
import { groupRoutes } from './routes/groups';
import { healthRoutes } from './routes/health';
import { historyRoutes } from './routes/history';
import { overrideRoutes } from './routes/overrides';
import { resourceRoutes } from './routes/resources';
import { scheduleRoutes } from './routes/schedules';

/** The native HTTP API: every route but /health needs a bearer token. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>();
  app.onError(handleError(deps.log));
  app.notFound(handleNotFound);
  app.use(bodyLimit({ maxSize: 1024 * 1024 }));

  app.route('/', healthRoutes(deps));
  app.use('*', requireCaller(deps.sql));
  // Bulk routes first: /actions/bulk/latest is not an action id.
  app.route('/', bulkRoutes(deps));
  app.route('/', actionRoutes(deps));
  app.route('/', historyRoutes(deps));
  app.route('/', resourceRoutes(deps));
  app.route('/', groupRoutes(deps));
  app.route('/', cloudAccountRoutes(deps));
  app.route('/', scheduleRoutes(deps));
  app.route('/', overrideRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', bearerScheme, { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Lamplighter',
      version: '0.1.0',
      description:
        'Start and stop infrastructure on durable execution. Responses use a {"data": ...} envelope; errors are {"error": {code, message, details}}.',
    },
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
