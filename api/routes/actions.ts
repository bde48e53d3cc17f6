import { createHash } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { getAction, insertAction, markWorkflowStarted } from '../../db/actions';
import { Action, ActionAccepted, CreateActionRequest, type ActionWorkflowInput } from '../../domain/action';
import { formatChangedBy } from '../../domain/changedBy';
import { AppError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { startActionWorkflow } from '../../engine/startAction';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { ErrorBody } from '../errors';
import { validationHook } from '../validation';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

const createAction = createRoute({
  method: 'post',
  path: '/actions',
  summary: 'Start or stop one resource',
  security: [{ bearer: [] }],
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: CreateActionRequest } } },
  },
  responses: {
    202: json(z.object({ data: ActionAccepted }), 'Queued; follow it with GET /actions/{actionID}'),
    400: json(ErrorBody, 'Invalid body'),
    401: json(ErrorBody, 'Missing or bad token'),
    422: json(ErrorBody, 'Idempotency-Key reused with a different body'),
  },
});

const getActionRoute = createRoute({
  method: 'get',
  path: '/actions/{actionID}',
  summary: 'Status of one action',
  security: [{ bearer: [] }],
  request: { params: z.object({ actionID: z.string().min(1).max(64) }) },
  responses: {
    200: json(z.object({ data: Action }), 'The action'),
    401: json(ErrorBody, 'Missing or bad token'),
    404: json(ErrorBody, 'No such action in your organisation'),
  },
});

const startDeadlineMs = 5_000;

/** Same body, same hash: key order and whitespace do not matter. */
function hashRequest(body: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex');
}

export function actionRoutes({ sql, temporal, taskQueue, log }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.openapi(createAction, async (c) => {
    const body = c.req.valid('json');
    const { 'idempotency-key': key } = c.req.valid('header');
    const caller = c.get('caller');
    const { type, ...resource } = body;
    const input: ActionWorkflowInput = {
      actionId: newId('act'),
      orgId: caller.orgId,
      type,
      resource,
      changedBy: formatChangedBy({ type: 'manual', email: caller.email }),
      reason: 'manual',
    };
    const requestHash = hashRequest(body);
    const recorded = await insertAction(sql, input, key ? { key, requestHash } : undefined);
    if (!recorded.inserted && recorded.requestHash !== requestHash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request body',
      );
    }
    const intent = recorded.inserted ? input : recorded.input;
    // The intent is durable from here: if Temporal cannot be reached within a
    // few seconds, the worker's reconciler starts the workflow when it can.
    if (recorded.action.status === 'pending') {
      try {
        await temporal.withDeadline(Date.now() + startDeadlineMs, () =>
          startActionWorkflow(temporal, taskQueue, intent),
        );
        await markWorkflowStarted(sql, intent.actionId);
      } catch (error) {
        log.warn({ err: error, actionId: intent.actionId }, 'workflow start deferred to the reconciler');
      }
    }
    return c.json({ data: { actionID: intent.actionId, status: 'queued' as const } }, 202);
  });

  app.openapi(getActionRoute, async (c) => {
    const action = await getAction(sql, c.get('caller').orgId, c.req.valid('param').actionID);
    if (!action) throw new AppError('not_found', 'No such action');
    return c.json({ data: action }, 200);
  });

  return app;
}
