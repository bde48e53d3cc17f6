import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { getAction, insertAction, markWorkflowStarted } from '../../db/actions';
import { Action, ActionAccepted, CreateActionRequest, type ActionWorkflowInput } from '../../domain/action';
import { formatChangedBy } from '../../domain/changedBy';
import { AppError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { startActionWorkflow } from '../../engine/startAction';
import { assertAccountAllowed } from '../accounts';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { assertSameRequest, hashRequest, IdempotencyHeaders } from '../idempotency';
import { bearerAuth, data, errors, Id, jsonBody } from '../openapi';
import { startDeadlineMs } from '../startDeadline';
import { validationHook } from '../validation';

const createAction = createRoute({
  method: 'post',
  path: '/actions',
  summary: 'Start or stop one resource',
  security: bearerAuth,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateActionRequest) },
  responses: {
    202: data(ActionAccepted, 'Queued; follow it with GET /actions/{actionID}'),
    400: errors[400],
    401: errors[401],
    422: errors[422],
  },
});

const getActionRoute = createRoute({
  method: 'get',
  path: '/actions/{actionID}',
  summary: 'Status of one action',
  security: bearerAuth,
  request: { params: z.object({ actionID: Id }) },
  responses: { 200: data(Action, 'The action'), 401: errors[401], 404: errors[404] },
});

export function actionRoutes({ sql, temporal, taskQueue, accounts, log }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.openapi(createAction, async (c) => {
    const body = c.req.valid('json');
    const { 'idempotency-key': key } = c.req.valid('header');
    const caller = c.get('caller');
    const { type, ...resource } = body;
    assertAccountAllowed(accounts, caller, resource);
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
    if (!recorded.inserted) assertSameRequest(recorded.requestHash, requestHash);
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
