import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requireCaller, type AuthEnv } from './auth';
import type { AppDeps } from './deps';
import { handleError, handleNotFound } from './errors';
import { actionRoutes } from './routes/actions';
import { healthRoutes } from './routes/health';
import { historyRoutes } from './routes/history';

/** The native HTTP API: every route but /health needs a bearer token. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>();
  app.onError(handleError(deps.log));
  app.notFound(handleNotFound);
  app.use(bodyLimit({ maxSize: 1024 * 1024 }));

  app.route('/', healthRoutes(deps));
  app.use('*', requireCaller(deps.sql));
  app.route('/', actionRoutes(deps));
  app.route('/', historyRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
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
