import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps';
import { json } from '../openapi';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ database: z.enum(['ok', 'down']), temporal: z.enum(['ok', 'down']) }),
});

const route = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Liveness and dependencies (no token needed)',
  responses: {
    200: json(Health, 'All dependencies answer'),
    503: json(Health, 'A dependency does not answer'),
  },
});

async function answers(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  try {
    await check();
    return 'ok';
  } catch {
    return 'down';
  }
}

export function healthRoutes({ sql, temporal }: AppDeps) {
  return new OpenAPIHono().openapi(route, async (c) => {
    const [database, temporalStatus] = await Promise.all([
      answers(() => sql`SELECT 1`),
      answers(() => temporal.workflowService.getSystemInfo({})),
    ]);
    const body = { checks: { database, temporal: temporalStatus } };
    return database === 'ok' && temporalStatus === 'ok'
      ? c.json({ status: 'ok' as const, ...body }, 200)
      : c.json({ status: 'degraded' as const, ...body }, 503);
  });
}
