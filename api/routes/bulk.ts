import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  getBulkAction,
  insertBulkAction,
  latestBulkAction,
  markBulkWorkflowStarted,
  newBulkId,
} from '../../db/bulkActions';
import { getGroup, groupMembers } from '../../db/groups';
import { BulkAccepted, BulkAction, BulkPlan, CreateBulkActionRequest } from '../../domain/bulk';
import { formatChangedBy } from '../../domain/changedBy';
import { AppError } from '../../domain/errors';
import { planBulk } from '../../engine/planBulk';
import { startBulkWorkflow } from '../../engine/startBulk';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { assertSameRequest, hashRequest, IdempotencyHeaders } from '../idempotency';
import { bearerAuth, data, errors, Id, jsonBody } from '../openapi';
import { startDeadlineMs } from '../startDeadline';
import { validationHook } from '../validation';

const create = createRoute({
  method: 'post',
  path: '/actions/bulk',
  summary: 'Start or stop every resource of a group, tier by tier (or, with dryRun, answer the plan)',
  security: bearerAuth,
  request: { headers: IdempotencyHeaders, body: jsonBody(CreateBulkActionRequest) },
  responses: {
    200: data(BulkPlan, 'dryRun: what would happen, given current states'),
    202: data(BulkAccepted, 'Queued; follow it with GET /actions/bulk/{bulkActionID}'),
    400: errors[400],
    401: errors[401],
    422: errors[422],
    503: errors[503],
  },
});

const latest = createRoute({
  method: 'get',
  path: '/actions/bulk/latest',
  summary: "Your organisation's most recent bulk action",
  security: bearerAuth,
  responses: { 200: data(BulkAction, 'The latest bulk action'), 401: errors[401], 404: errors[404] },
});

const get = createRoute({
  method: 'get',
  path: '/actions/bulk/{bulkActionID}',
  summary: 'Status and counts of a bulk action, live while it runs',
  security: bearerAuth,
  request: { params: z.object({ bulkActionID: Id }) },
  responses: { 200: data(BulkAction, 'The bulk action'), 401: errors[401], 404: errors[404] },
});

function unknownGroup(): AppError {
  const message = 'no such group in your organisation';
  return new AppError('validation_failed', `Invalid request body: body.groupID: ${message}`, [
    { path: 'body.groupID', message },
  ]);
}

export function bulkRoutes({ sql, temporal, taskQueue, log }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const { 'idempotency-key': key } = c.req.valid('header');
    const caller = c.get('caller');
    if (!(await getGroup(sql, caller.orgId, body.groupID))) throw unknownGroup();

    if (body.dryRun) {
      try {
        const plan = await temporal.withDeadline(Date.now() + 60_000, () =>
          planBulk(temporal, taskQueue, { orgId: caller.orgId, groupId: body.groupID, type: body.type }),
        );
        return c.json({ data: plan }, 200);
      } catch (error) {
        log.warn({ err: error }, 'dry run failed');
        throw new AppError('temporal_unavailable', 'The dry run could not be computed: no worker answered in time');
      }
    }

    const bulkId = newBulkId();
    const changedBy = formatChangedBy({ type: 'bulk', email: caller.email, bulkId });
    const requestHash = hashRequest(body);
    // Members are read and their actions written in one transaction, so the
    // bulk action acts on the group exactly as it was when accepted.
    const recorded = await sql.begin(async (tx) => {
      const members = await groupMembers(tx, body.groupID);
      if (members.length === 0) {
        throw new AppError('validation_failed', 'Invalid request body: body.groupID: the group has no members', [
          { path: 'body.groupID', message: 'the group has no members' },
        ]);
      }
      return insertBulkAction(
        tx,
        {
          id: bulkId,
          orgId: caller.orgId,
          groupId: body.groupID,
          type: body.type,
          failurePolicy: body.failurePolicy,
          concurrency: body.concurrency,
          changedBy,
          idempotency: key ? { key, requestHash } : undefined,
        },
        members,
      );
    });
    if (!recorded.inserted) {
      assertSameRequest(recorded.requestHash, requestHash);
    } else {
      const input = {
        bulkId,
        orgId: caller.orgId,
        type: body.type,
        failurePolicy: body.failurePolicy,
        concurrency: body.concurrency,
        changedBy,
      };
      try {
        await temporal.withDeadline(Date.now() + startDeadlineMs, () => startBulkWorkflow(temporal, taskQueue, input));
        await markBulkWorkflowStarted(sql, bulkId);
      } catch (error) {
        log.warn({ err: error, bulkActionId: bulkId }, 'bulk workflow start deferred to the reconciler');
      }
    }
    return c.json({ data: { bulkActionID: recorded.id, status: 'queued' as const, total: recorded.total } }, 202);
  });

  app.openapi(latest, async (c) => {
    const bulk = await latestBulkAction(sql, c.get('caller').orgId);
    if (!bulk) throw new AppError('not_found', 'Your organisation has no bulk action yet');
    return c.json({ data: bulk }, 200);
  });

  app.openapi(get, async (c) => {
    const bulk = await getBulkAction(sql, c.get('caller').orgId, c.req.valid('param').bulkActionID);
    if (!bulk) throw new AppError('not_found', 'No such bulk action');
    return c.json({ data: bulk }, 200);
  });

  return app;
}
