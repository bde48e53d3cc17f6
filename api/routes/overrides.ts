import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { TransactionSql } from 'postgres';
import { getGroup, groupMembers } from '../../db/groups';
import {
  getOverride,
  insertOverride,
  listOverrides,
  markOverrideWorkflowStarted,
  requestCancel,
  setOverrideUntil,
} from '../../db/overrides';
import { getResource, listResources } from '../../db/resources';
import type { Caller } from '../../db/tokens';
import { AppError } from '../../domain/errors';
import { CreateOverrideRequest, ExtendOverrideRequest, Override, OverrideListQuery } from '../../domain/override';
import { startOverrideWorkflow } from '../../engine/startOverride';
import { cancelOverrideSignal, extendOverrideSignal } from '../../workflows/messages';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearerAuth, data, errors, Id, jsonBody } from '../openapi';
import { startDeadlineMs } from '../startDeadline';
import { validationHook } from '../validation';

const params = z.object({ overrideID: Id });
/** Longer holds belong in the schedule itself. */
const maxHoldMs = 31 * 86_400_000;

const routes = {
  create: createRoute({
    method: 'post',
    path: '/overrides',
    summary: 'Start or stop now and hold it against schedules until a time; then back to what the schedules say',
    security: bearerAuth,
    request: { body: jsonBody(CreateOverrideRequest) },
    responses: { 201: data(Override, 'Applied and holding'), 400: errors[400], 401: errors[401] },
  }),
  list: createRoute({
    method: 'get',
    path: '/overrides',
    summary: 'Overrides of your organisation (active ones by default)',
    security: bearerAuth,
    request: { query: OverrideListQuery },
    responses: { 200: data(z.array(Override), 'Newest first'), 400: errors[400], 401: errors[401] },
  }),
  get: createRoute({
    method: 'get',
    path: '/overrides/{overrideID}',
    summary: 'One override',
    security: bearerAuth,
    request: { params },
    responses: { 200: data(Override, 'The override'), 401: errors[401], 404: errors[404] },
  }),
  extend: createRoute({
    method: 'patch',
    path: '/overrides/{overrideID}',
    summary: 'Move the end of an active override (extend or shorten)',
    security: bearerAuth,
    request: { params, body: jsonBody(ExtendOverrideRequest) },
    responses: {
      200: data(Override, 'Updated'),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      409: errors[409],
      503: errors[503],
    },
  }),
  cancel: createRoute({
    method: 'delete',
    path: '/overrides/{overrideID}',
    summary: 'End an override now: its resources go back to what their schedules say',
    security: bearerAuth,
    request: { params },
    responses: {
      202: data(Override, 'Ending'),
      401: errors[401],
      404: errors[404],
      409: errors[409],
      503: errors[503],
    },
  }),
};

function bodyError(path: string, message: string): AppError {
  return new AppError('validation_failed', `Invalid request body: ${path}: ${message}`, [{ path, message }]);
}

function checkUntil(until: string): void {
  const ms = Date.parse(until) - Date.now();
  if (ms <= 0) throw bodyError('body.until', 'must be in the future');
  if (ms > maxHoldMs) throw bodyError('body.until', 'at most 31 days ahead: change the schedule for longer');
}

/** The override's target and the resources it holds, in the caller's organisation. */
async function resolveTarget(tx: TransactionSql, caller: Caller, body: CreateOverrideRequest) {
  if (body.groupID) {
    if (!(await getGroup(tx, caller.orgId, body.groupID)))
      throw bodyError('body.groupID', 'no such group in your organisation');
    const members = await groupMembers(tx, body.groupID);
    if (members.length === 0) throw bodyError('body.groupID', 'the group has no members');
    return { target: { groupID: body.groupID }, resourceIds: members.map((m) => m.resourceID) };
  }
  if (body.resourceID) {
    if (!(await getResource(tx, caller.orgId, body.resourceID))) {
      throw bodyError('body.resourceID', 'no such resource in your organisation');
    }
    return { target: { resourceID: body.resourceID }, resourceIds: [body.resourceID] };
  }
  const { items } = await listResources(tx, caller.orgId, { resourceUID: body.resourceUID, page: 1, limit: 2 });
  if (items.length === 0)
    throw bodyError('body.resourceUID', 'no registered resource with this id in your organisation');
  if (items.length > 1) throw bodyError('body.resourceUID', 'several resources have this id: give resourceID');
  return { target: { resourceID: items[0]!.id }, resourceIds: [items[0]!.id] };
}

export function overrideRoutes({ sql, temporal, taskQueue, log }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  async function owned(orgId: string, id: string) {
    const override = await getOverride(sql, orgId, id);
    if (!override) throw new AppError('not_found', 'No such override');
    if (override.status !== 'active') throw new AppError('conflict', `The override has ${override.status}`);
    return override;
  }

  /** Tells the override's workflow; if Temporal cannot hear it now, nothing is changed. */
  async function tell(id: string, send: (client: Client) => Promise<void>): Promise<void> {
    try {
      await temporal.withDeadline(Date.now() + startDeadlineMs, () => send(temporal));
    } catch (error) {
      log.warn({ err: error, overrideId: id }, 'could not signal the override');
      throw new AppError('temporal_unavailable', 'Temporal did not answer; the override is unchanged, try again');
    }
  }

  app.openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const caller = c.get('caller');
    checkUntil(body.until);
    const id = await sql.begin(async (tx) => {
      const { target, resourceIds } = await resolveTarget(tx, caller, body);
      return insertOverride(tx, {
        orgId: caller.orgId,
        target,
        resourceIds,
        action: body.action,
        until: new Date(body.until).toISOString(),
        note: body.note,
        createdBy: caller.email,
      });
    });
    try {
      await temporal.withDeadline(Date.now() + startDeadlineMs, () =>
        startOverrideWorkflow(temporal, taskQueue, { overrideId: id, orgId: caller.orgId, action: body.action }),
      );
      await markOverrideWorkflowStarted(sql, id);
    } catch (error) {
      log.warn({ err: error, overrideId: id }, 'override workflow start deferred to the reconciler');
    }
    return c.json({ data: (await getOverride(sql, caller.orgId, id))! }, 201);
  });

  app.openapi(routes.list, async (c) => {
    return c.json({ data: await listOverrides(sql, c.get('caller').orgId, c.req.valid('query').status) }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const override = await getOverride(sql, c.get('caller').orgId, c.req.valid('param').overrideID);
    if (!override) throw new AppError('not_found', 'No such override');
    return c.json({ data: override }, 200);
  });

  app.openapi(routes.extend, async (c) => {
    const { orgId } = c.get('caller');
    const override = await owned(orgId, c.req.valid('param').overrideID);
    const until = new Date(c.req.valid('json').until).toISOString();
    checkUntil(until);
    await tell(override.id, (client) => client.workflow.getHandle(override.id).signal(extendOverrideSignal, { until }));
    await setOverrideUntil(sql, orgId, override.id, until);
    return c.json({ data: (await getOverride(sql, orgId, override.id))! }, 200);
  });

  app.openapi(routes.cancel, async (c) => {
    const { orgId } = c.get('caller');
    const override = await owned(orgId, c.req.valid('param').overrideID);
    await tell(override.id, (client) => client.workflow.getHandle(override.id).signal(cancelOverrideSignal));
    await requestCancel(sql, orgId, override.id);
    return c.json({ data: (await getOverride(sql, orgId, override.id))! }, 202);
  });

  return app;
}
