import type { Sql, TransactionSql } from 'postgres';
import { newId } from '../domain/ids';
import type { Schedule, ScheduleSettings } from '../domain/schedule';

type Db = Sql | TransactionSql;

interface ScheduleRow {
  id: string;
  orgId: string;
  name: string;
  settings: ScheduleSettings;
  version: number;
  syncedVersion: number;
  syncedEntries: string[];
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = (sql: Db) => sql`
  id, org_id AS "orgId", name, settings, version, synced_version AS "syncedVersion",
  synced_entries AS "syncedEntries", deleted_at AS "deletedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

export function toSchedule(row: ScheduleRow): Schedule {
  const { name: _, ...settings } = row.settings;
  return {
    id: row.id,
    name: row.name,
    ...settings,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function scheduleNameTaken(sql: Db, orgId: string, name: string, exceptId = ''): Promise<boolean> {
  const [row] = await sql`
    SELECT 1 FROM schedules WHERE org_id = ${orgId} AND name = ${name} AND id <> ${exceptId} AND deleted_at IS NULL`;
  return Boolean(row);
}

export async function insertSchedule(sql: Db, orgId: string, settings: ScheduleSettings): Promise<Schedule> {
  const [row] = await sql<ScheduleRow[]>`
    INSERT INTO schedules (id, org_id, name, settings)
    VALUES (${newId('sch')}, ${orgId}, ${settings.name}, ${sql.json(settings as never)})
    RETURNING ${columns(sql)}`;
  return toSchedule(row!);
}

/** Replaces the settings and bumps the version, so the reconciler syncs Temporal if the API could not. */
export async function updateScheduleSettings(
  sql: Db,
  orgId: string,
  id: string,
  settings: ScheduleSettings,
): Promise<Schedule | undefined> {
  const [row] = await sql<ScheduleRow[]>`
    UPDATE schedules SET name = ${settings.name}, settings = ${sql.json(settings as never)},
                         version = version + 1, updated_at = now()
    WHERE id = ${id} AND org_id = ${orgId} AND deleted_at IS NULL
    RETURNING ${columns(sql)}`;
  return row && toSchedule(row);
}

export async function deleteSchedule(sql: Db, orgId: string, id: string): Promise<boolean> {
  const rows = await sql`
    UPDATE schedules SET deleted_at = now(), version = version + 1, updated_at = now()
    WHERE id = ${id} AND org_id = ${orgId} AND deleted_at IS NULL`;
  return rows.count > 0;
}

export async function getSchedule(sql: Db, orgId: string, id: string): Promise<Schedule | undefined> {
  const [row] = await sql<ScheduleRow[]>`
    SELECT ${columns(sql)} FROM schedules WHERE id = ${id} AND org_id = ${orgId} AND deleted_at IS NULL`;
  return row && toSchedule(row);
}

export async function listSchedules(
  sql: Db,
  orgId: string,
  page: { page: number; limit: number },
): Promise<{ items: Schedule[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    sql<ScheduleRow[]>`
      SELECT ${columns(sql)} FROM schedules WHERE org_id = ${orgId} AND deleted_at IS NULL
      ORDER BY name LIMIT ${page.limit} OFFSET ${(page.page - 1) * page.limit}`,
    sql<
      { total: number }[]
    >`SELECT count(*)::int AS total FROM schedules WHERE org_id = ${orgId} AND deleted_at IS NULL`,
  ]);
  return { items: rows.map(toSchedule), total: count!.total };
}

/** What syncing a schedule to Temporal needs, deleted or not. */
export interface ScheduleForSync {
  id: string;
  orgId: string;
  settings: ScheduleSettings;
  version: number;
  syncedEntries: string[];
  deleted: boolean;
}

export async function scheduleForSync(sql: Db, id: string): Promise<ScheduleForSync | undefined> {
  const [row] = await sql<ScheduleRow[]>`SELECT ${columns(sql)} FROM schedules WHERE id = ${id}`;
  return (
    row && {
      id: row.id,
      orgId: row.orgId,
      settings: row.settings,
      version: row.version,
      syncedEntries: row.syncedEntries,
      deleted: row.deletedAt !== null,
    }
  );
}

export async function markScheduleSynced(sql: Db, id: string, version: number, entries: string[]): Promise<void> {
  await sql`
    UPDATE schedules SET synced_version = greatest(synced_version, ${version}), synced_entries = ${entries},
                         synced_at = now()
    WHERE id = ${id} AND version = ${version}`;
}

/**
 * Schedules Temporal is behind on (the API could not reach it), or synced
 * long ago: their DST corrections reach a few years ahead and are renewed.
 */
export async function listSchedulesToSync(sql: Sql, olderThanMs: number, limit = 50): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    SELECT id FROM schedules
    WHERE (synced_version < version AND updated_at < now() - make_interval(secs => ${olderThanMs / 1000}))
       OR (deleted_at IS NULL AND synced_at < now() - interval '180 days')
    ORDER BY updated_at LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

export interface ScheduleRun {
  id: string;
  scheduleId: string;
  cronId: string;
  action: string;
  scheduledAt: string;
  localTime: string;
  outcome: 'started' | 'skipped';
  reason: string | null;
  bulkActionId: string | null;
  actionId: string | null;
}

const runColumns = (sql: Db) => sql`
  id, schedule_id AS "scheduleId", cron_id AS "cronId", action, scheduled_at AS "scheduledAt",
  local_time AS "localTime", outcome, reason, bulk_action_id AS "bulkActionId", action_id AS "actionId"`;

type RunRow = Omit<ScheduleRun, 'scheduledAt'> & { scheduledAt: Date };
const toRun = (r: RunRow): ScheduleRun => ({ ...r, scheduledAt: r.scheduledAt.toISOString() });

/** Records what a fire did, once: a retried activity gets the first record back. */
export async function recordRun(sql: Db, run: Omit<ScheduleRun, 'id'>): Promise<ScheduleRun> {
  const [inserted] = await sql<RunRow[]>`
    INSERT INTO schedule_runs (id, schedule_id, cron_id, action, scheduled_at, local_time, outcome, reason,
                               bulk_action_id, action_id)
    VALUES (${newId('run')}, ${run.scheduleId}, ${run.cronId}, ${run.action}, ${run.scheduledAt}, ${run.localTime},
            ${run.outcome}, ${run.reason}, ${run.bulkActionId}, ${run.actionId})
    ON CONFLICT (schedule_id, cron_id, scheduled_at) DO NOTHING
    RETURNING ${runColumns(sql)}`;
  if (inserted) return toRun(inserted);
  return (await findRun(sql, run.scheduleId, run.cronId, run.scheduledAt))!;
}

export async function findRun(
  sql: Db,
  scheduleId: string,
  cronId: string,
  scheduledAt: string,
): Promise<ScheduleRun | undefined> {
  const [row] = await sql<RunRow[]>`
    SELECT ${runColumns(sql)} FROM schedule_runs
    WHERE schedule_id = ${scheduleId} AND cron_id = ${cronId} AND scheduled_at = ${scheduledAt}`;
  return row && toRun(row);
}

export async function listRuns(sql: Db, scheduleId: string, limit: number): Promise<ScheduleRun[]> {
  const rows = await sql<RunRow[]>`
    SELECT ${runColumns(sql)} FROM schedule_runs WHERE schedule_id = ${scheduleId}
    ORDER BY scheduled_at DESC, cron_id LIMIT ${limit}`;
  return rows.map(toRun);
}

/** Schedules whose target is this resource or a group it belongs to (for an override's expiry). */
export async function schedulesCovering(sql: Db, orgId: string, resourceId: string): Promise<ScheduleForSync[]> {
  const rows = await sql<ScheduleRow[]>`
    SELECT ${columns(sql)} FROM schedules s
    WHERE s.org_id = ${orgId} AND s.deleted_at IS NULL AND (s.settings->>'enabled')::boolean
      AND (s.settings->'target'->>'resourceID' = ${resourceId}
           OR s.settings->'target'->>'groupID' IN (SELECT group_id FROM group_members WHERE resource_id = ${resourceId}))`;
  return rows.map((row) => ({
    id: row.id,
    orgId: row.orgId,
    settings: row.settings,
    version: row.version,
    syncedEntries: row.syncedEntries,
    deleted: false,
  }));
}

export async function recordBackfill(
  sql: Db,
  scheduleId: string,
  from: Date,
  to: Date,
  requestedBy: string,
): Promise<void> {
  await sql`
    INSERT INTO schedule_backfills (schedule_id, from_time, to_time, requested_by)
    VALUES (${scheduleId}, ${from}, ${to}, ${requestedBy})`;
}

/** Whether a person asked for the fires of this time to be taken now (a backfill). */
export async function isBackfilled(sql: Db, scheduleId: string, at: string): Promise<boolean> {
  const [row] = await sql`
    SELECT 1 FROM schedule_backfills
    WHERE schedule_id = ${scheduleId} AND from_time <= ${at} AND to_time >= ${at} LIMIT 1`;
  return Boolean(row);
}
