import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Sql, TransactionSql } from 'postgres';
import { getGroup } from '../../db/groups';
import { getResource } from '../../db/resources';
import {
  deleteSchedule,
  getSchedule,
  insertSchedule,
  listRuns,
  listSchedules,
  recordBackfill,
  scheduleNameTaken,
  updateScheduleSettings,
} from '../../db/schedules';
import { ActionType } from '../../domain/action';
import { AppError } from '../../domain/errors';
import { ListQuery } from '../../domain/inventory';
import {
  CreateScheduleRequest,
  normalizeEntries,
  overlapPolicies,
  PlannedTransition,
  PlanQuery,
  Schedule,
  UpdateScheduleRequest,
  type ScheduleSettings,
} from '../../domain/schedule';
import { planSchedule } from '../../engine/schedulePlan';
import { backfill, describeSchedule, setPaused, syncScheduleNow, triggerEntry } from '../../engine/schedules';
import type { AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { validationError } from '../errors';
import { bearerAuth, data, errors, Id, json, jsonBody, page } from '../openapi';
import { startDeadlineMs } from '../startDeadline';
import { validationHook } from '../validation';

const params = z.object({ scheduleID: Id });

const ScheduleState = z.object({
  paused: z.boolean(),
  note: z.string().optional(),
  entries: z.array(
    z.object({
      id: z.string(),
      paused: z.boolean(),
      note: z.string().optional(),
      nextActionTimes: z.array(z.string()),
      recentActions: z.array(z.string()),
    }),
  ),
});
const ScheduleWithState = Schedule.extend({
  /** As Temporal has it; absent while Temporal is out of reach or not yet in step. */
  temporal: ScheduleState.optional(),
});
const ScheduleRun = z.object({
  id: z.string(),
  cronId: z.string(),
  action: z.string(),
  scheduledAt: z.string(),
  localTime: z.string(),
  outcome: z.enum(['started', 'skipped']),
  reason: z.string().nullable(),
  bulkActionId: z.string().nullable(),
  actionId: z.string().nullable(),
});
const Note = z.strictObject({ note: z.string().max(500).default('') });
const Accepted = z.object({ accepted: z.literal(true) });

const routes = {
  create: createRoute({
    method: 'post',
    path: '/schedules',
    summary: 'Create a schedule: entries (cron or time and days) or sleep windows, in an IANA zone, with exclusions',
    security: bearerAuth,
    request: { body: jsonBody(CreateScheduleRequest) },
    responses: { 201: data(ScheduleWithState, 'Created'), 400: errors[400], 401: errors[401], 409: errors[409] },
  }),
  list: createRoute({
    method: 'get',
    path: '/schedules',
    summary: "Your organisation's schedules",
    security: bearerAuth,
    request: { query: ListQuery },
    responses: { 200: data(page(Schedule), 'One page'), 400: errors[400], 401: errors[401] },
  }),
  get: createRoute({
    method: 'get',
    path: '/schedules/{scheduleID}',
    summary: 'A schedule, with its pause state and next fires as Temporal has them',
    security: bearerAuth,
    request: { params },
    responses: { 200: data(ScheduleWithState, 'The schedule'), 401: errors[401], 404: errors[404] },
  }),
  update: createRoute({
    method: 'patch',
    path: '/schedules/{scheduleID}',
    summary: 'Change a schedule: the fields given replace the stored ones',
    security: bearerAuth,
    request: { params, body: jsonBody(UpdateScheduleRequest) },
    responses: {
      200: data(ScheduleWithState, 'Updated'),
      400: errors[400],
      401: errors[401],
      404: errors[404],
      409: errors[409],
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/schedules/{scheduleID}',
    summary: 'Delete a schedule (and its Temporal Schedules)',
    security: bearerAuth,
    request: { params },
    responses: { 204: { description: 'Deleted' }, 401: errors[401], 404: errors[404] },
  }),
  pause: createRoute({
    method: 'post',
    path: '/schedules/{scheduleID}/pause',
    summary: 'Pause every entry, with a note',
    security: bearerAuth,
    request: { params, body: jsonBody(Note) },
    responses: { 200: data(ScheduleWithState, 'Paused'), 401: errors[401], 404: errors[404], 503: errors[503] },
  }),
  unpause: createRoute({
    method: 'post',
    path: '/schedules/{scheduleID}/unpause',
    summary: 'Unpause every entry, with a note',
    security: bearerAuth,
    request: { params, body: jsonBody(Note) },
    responses: { 200: data(ScheduleWithState, 'Unpaused'), 401: errors[401], 404: errors[404], 503: errors[503] },
  }),
  trigger: createRoute({
    method: 'post',
    path: '/schedules/{scheduleID}/trigger',
    summary: 'Fire one entry now (by cronId, or the first entry with that action)',
    security: bearerAuth,
    request: {
      params,
      body: jsonBody(z.strictObject({ cronId: z.string().optional(), action: ActionType.optional() })),
    },
    responses: { 202: data(Accepted, 'Fired'), 400: errors[400], 401: errors[401], 404: errors[404] },
  }),
  backfill: createRoute({
    method: 'post',
    path: '/schedules/{scheduleID}/backfill',
    summary: 'Take now the fires the schedule would have made in a past range',
    security: bearerAuth,
    request: {
      params,
      body: jsonBody(
        z
          .strictObject({
            from: z.iso.datetime({ offset: true }),
            to: z.iso.datetime({ offset: true }),
            overlap: z.enum(overlapPolicies).default('allow_all'),
          })
          .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: 'from must be before to', path: ['to'] }),
      ),
    },
    responses: { 202: data(Accepted, 'Backfill requested'), 400: errors[400], 401: errors[401], 404: errors[404] },
  }),
  plan: createRoute({
    method: 'get',
    path: '/schedules/{scheduleID}/plan',
    summary: 'The exact upcoming transitions, from the spec Temporal runs, with exclusions and overrides applied',
    security: bearerAuth,
    request: { params, query: PlanQuery },
    responses: {
      200: data(
        z.object({
          scheduleID: z.string(),
          timezone: z.string(),
          from: z.string(),
          to: z.string(),
          transitions: z.array(PlannedTransition),
        }),
        'The plan',
      ),
      400: errors[400],
      401: errors[401],
      404: errors[404],
    },
  }),
  runs: createRoute({
    method: 'get',
    path: '/schedules/{scheduleID}/runs',
    summary: 'Every fire of the schedule and what became of it (started, or skipped and why)',
    security: bearerAuth,
    request: { params, query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
    responses: { 200: data(z.array(ScheduleRun), 'Newest first'), 401: errors[401], 404: errors[404] },
  }),
};

/** The target must be a group or a resource of the caller's organisation. */
async function checkTarget(
  sql: Sql | TransactionSql,
  orgId: string,
  target: ScheduleSettings['target'],
): Promise<void> {
  const found =
    'groupID' in target ? await getGroup(sql, orgId, target.groupID) : await getResource(sql, orgId, target.resourceID);
  if (!found) {
    const path = 'groupID' in target ? 'body.target.groupID' : 'body.target.resourceID';
    throw new AppError('validation_failed', `Invalid request body: ${path}: not in your organisation`, [
      { path, message: 'not in your organisation' },
    ]);
  }
}

async function checkName(sql: Sql | TransactionSql, orgId: string, name: string, exceptId?: string): Promise<void> {
  if (await scheduleNameTaken(sql, orgId, name, exceptId)) {
    throw new AppError('conflict', `A schedule named ${name} exists already`, [
      { path: 'body.name', message: 'name taken' },
    ]);
  }
}

export function scheduleRoutes({ sql, temporal, taskQueue, log }: AppDeps) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  /** Temporal in step now if it answers in time; otherwise the reconciler does it. */
  async function sync(id: string): Promise<void> {
    try {
      await temporal.withDeadline(Date.now() + startDeadlineMs, () => syncScheduleNow(sql, temporal, taskQueue, id));
    } catch (error) {
      log.warn({ err: error, scheduleId: id }, 'schedule sync deferred to the reconciler');
    }
  }

  async function withState(schedule: Schedule) {
    const ids = normalizeEntries(schedule.entries, schedule.windows).map((e) => e.id);
    try {
      const state = await temporal.withDeadline(Date.now() + startDeadlineMs, () =>
        describeSchedule(temporal, schedule.id, ids),
      );
      return { ...schedule, temporal: state };
    } catch {
      return schedule;
    }
  }

  async function owned(orgId: string, id: string): Promise<Schedule> {
    const schedule = await getSchedule(sql, orgId, id);
    if (!schedule) throw new AppError('not_found', 'No such schedule');
    return schedule;
  }

  /** Temporal calls that must happen now (no reconciler stands in for them). */
  async function onTemporal<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await temporal.withDeadline(Date.now() + startDeadlineMs, call);
    } catch (error) {
      if (error instanceof AppError) throw error;
      log.warn({ err: error }, `${what} failed`);
      throw new AppError(
        'temporal_unavailable',
        `Could not ${what}: Temporal did not answer (or the schedule is not in step yet)`,
      );
    }
  }

  app.openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const { orgId } = c.get('caller');
    const schedule = await sql.begin(async (tx) => {
      await checkTarget(tx, orgId, body.target);
      await checkName(tx, orgId, body.name);
      return insertSchedule(tx, orgId, body);
    });
    await sync(schedule.id);
    return c.json({ data: await withState(schedule) }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid('query');
    const { items, total } = await listSchedules(sql, c.get('caller').orgId, query);
    return c.json({ data: { items, total, page: query.page, limit: query.limit } }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const schedule = await owned(c.get('caller').orgId, c.req.valid('param').scheduleID);
    return c.json({ data: await withState(schedule) }, 200);
  });

  app.openapi(routes.update, async (c) => {
    const { orgId } = c.get('caller');
    const current = await owned(orgId, c.req.valid('param').scheduleID);
    const { id: _id, createdAt: _c, updatedAt: _u, ...stored } = current;
    const merged = CreateScheduleRequest.safeParse({ ...stored, ...c.req.valid('json') });
    if (!merged.success) throw validationError(merged.error, 'json');
    const updated = await sql.begin(async (tx) => {
      await checkTarget(tx, orgId, merged.data.target);
      await checkName(tx, orgId, merged.data.name, current.id);
      return updateScheduleSettings(tx, orgId, current.id, merged.data);
    });
    if (!updated) throw new AppError('not_found', 'No such schedule');
    await sync(updated.id);
    return c.json({ data: await withState(updated) }, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const id = c.req.valid('param').scheduleID;
    if (!(await deleteSchedule(sql, c.get('caller').orgId, id))) throw new AppError('not_found', 'No such schedule');
    await sync(id);
    return c.body(null, 204);
  });

  for (const [route, paused] of [
    [routes.pause, true],
    [routes.unpause, false],
  ] as const) {
    app.openapi(route, async (c) => {
      const schedule = await owned(c.get('caller').orgId, c.req.valid('param').scheduleID);
      const ids = normalizeEntries(schedule.entries, schedule.windows).map((e) => e.id);
      const note = c.req.valid('json').note || `${paused ? 'Paused' : 'Unpaused'} by ${c.get('caller').email}`;
      await onTemporal(paused ? 'pause the schedule' : 'unpause the schedule', () =>
        setPaused(temporal, schedule.id, ids, paused, note),
      );
      return c.json({ data: await withState(schedule) }, 200);
    });
  }

  app.openapi(routes.trigger, async (c) => {
    const schedule = await owned(c.get('caller').orgId, c.req.valid('param').scheduleID);
    const { cronId, action } = c.req.valid('json');
    const entry = normalizeEntries(schedule.entries, schedule.windows).find((e) =>
      cronId ? e.id === cronId : action ? e.action === action : true,
    );
    if (!entry) {
      throw new AppError('validation_failed', 'Invalid request body: body.cronId: no such entry in the schedule', [
        { path: cronId ? 'body.cronId' : 'body.action', message: 'no such entry in the schedule' },
      ]);
    }
    await onTemporal('trigger the schedule', () => triggerEntry(temporal, schedule.id, entry.id));
    return c.json({ data: { accepted: true as const } }, 202);
  });

  app.openapi(routes.backfill, async (c) => {
    const schedule = await owned(c.get('caller').orgId, c.req.valid('param').scheduleID);
    const { from, to, overlap } = c.req.valid('json');
    const ids = normalizeEntries(schedule.entries, schedule.windows).map((e) => e.id);
    // Recorded first, so that the backfilled fires are not taken for late ones.
    await recordBackfill(sql, schedule.id, new Date(from), new Date(to), c.get('caller').email);
    await onTemporal('backfill the schedule', () =>
      backfill(temporal, schedule.id, ids, new Date(from), new Date(to), overlap),
    );
    return c.json({ data: { accepted: true as const } }, 202);
  });

  app.openapi(routes.plan, async (c) => {
    const { orgId } = c.get('caller');
    const schedule = await owned(orgId, c.req.valid('param').scheduleID);
    const { days, from: fromText } = c.req.valid('query');
    const from = fromText ? new Date(fromText) : new Date();
    const to = new Date(from.getTime() + days * 86_400_000);
    const transitions = await onTemporal('read the schedule from Temporal', () =>
      planSchedule(temporal, sql, orgId, schedule, from, to),
    );
    return c.json(
      {
        data: {
          scheduleID: schedule.id,
          timezone: schedule.timezone,
          from: from.toISOString(),
          to: to.toISOString(),
          transitions,
        },
      },
      200,
    );
  });

  app.openapi(routes.runs, async (c) => {
    const schedule = await owned(c.get('caller').orgId, c.req.valid('param').scheduleID);
    const runs = await listRuns(sql, schedule.id, c.req.valid('query').limit);
    return c.json({ data: runs.map(({ scheduleId: _, ...run }) => run) }, 200);
  });

  return app;
}
