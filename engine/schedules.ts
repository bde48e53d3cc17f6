import {
  ScheduleNotFoundError,
  type Client,
  type ScheduleOptions,
  type ScheduleOverlapPolicy,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { msNumberToTs, tsToDate } from '@temporalio/common/lib/time';
import type { Sql } from 'postgres';
import { markScheduleSynced, scheduleForSync, type ScheduleForSync } from '../db/schedules';
import { durationSeconds, normalizeEntries, type NormalizedEntry, type ScheduleSettings } from '../domain/schedule';
import { searchAttributes as sa } from '../domain/searchAttributes';
import type { ScheduledRunInput } from '../workflows/scheduledRunInput';
import { temporalSpecFor } from './temporalSpec';

/** Each entry of a Lamplighter schedule is one Temporal Schedule. */
export const temporalScheduleId = (scheduleId: string, entryId: string) => `${scheduleId}.${entryId}`;

const disabledNote = 'Disabled in Lamplighter (enabled: false)';

const overlapPolicy: Record<ScheduleSettings['overlap'], ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  buffer_all: 'BUFFER_ALL',
  cancel_other: 'CANCEL_OTHER',
  terminate_other: 'TERMINATE_OTHER',
  allow_all: 'ALLOW_ALL',
};

function scheduleOptions(s: ScheduleForSync, entry: NormalizedEntry, taskQueue: string, now: Date) {
  const { settings } = s;
  return {
    spec: temporalSpecFor(settings, entry, now),
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'scheduledRunWorkflow',
      taskQueue,
      workflowId: `run.${s.id}.${entry.id}`,
      args: [{ scheduleId: s.id, cronId: entry.id, action: entry.action } satisfies ScheduledRunInput],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: sa.org, value: s.orgId },
        { key: sa.kind, value: 'scheduled-run' },
        { key: sa.scheduleId, value: s.id },
        { key: sa.actionType, value: entry.action },
        { key: sa.changedBy, value: `schedule:${settings.name}:${entry.id}` },
      ]),
    },
    policies: {
      catchupWindow: durationSeconds(settings.catchupWindow) * 1000,
      overlap: overlapPolicy[settings.overlap],
    },
    memo: { schedule: settings.name, entry: `${entry.action} at ${entry.source} (${settings.timezone})` },
    typedSearchAttributes: new TypedSearchAttributes([
      { key: sa.org, value: s.orgId },
      { key: sa.kind, value: 'schedule' },
      { key: sa.scheduleId, value: s.id },
    ]),
  } satisfies Omit<ScheduleOptions, 'scheduleId'>;
}

/**
 * Makes Temporal hold exactly the schedule's entries: creates or updates one
 * Temporal Schedule per entry and deletes those of entries that are gone (all
 * of them for a deleted schedule). A pause made by a person survives; the
 * `enabled` flag pauses and unpauses. Idempotent. Answers the entry ids.
 */
export async function syncSchedule(
  client: Client,
  taskQueue: string,
  s: ScheduleForSync,
  now = new Date(),
): Promise<string[]> {
  const wanted = s.deleted ? [] : normalizeEntries(s.settings.entries, s.settings.windows);
  for (const entry of wanted) {
    const scheduleId = temporalScheduleId(s.id, entry.id);
    const options = scheduleOptions(s, entry, taskQueue, now);
    try {
      await client.schedule.getHandle(scheduleId).update((previous) => {
        const pausedForDisable = previous.state.paused && previous.state.note === disabledNote;
        const state = !s.settings.enabled
          ? { paused: true, note: disabledNote }
          : pausedForDisable
            ? { paused: false, note: 'Enabled in Lamplighter' }
            : { paused: previous.state.paused, note: previous.state.note };
        return { ...options, state };
      });
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await client.schedule.create({
        scheduleId,
        ...options,
        state: s.settings.enabled ? {} : { paused: true, note: disabledNote },
      });
    }
  }
  const keep = new Set(wanted.map((e) => e.id));
  for (const gone of s.syncedEntries.filter((id) => !keep.has(id))) {
    try {
      await client.schedule.getHandle(temporalScheduleId(s.id, gone)).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return [...keep];
}

/** The instants Temporal will fire an entry between two instants, from the spec it runs. */
export async function matchingTimes(
  client: Client,
  scheduleId: string,
  entryId: string,
  from: Date,
  to: Date,
): Promise<Date[]> {
  const response = await client.workflowService.listScheduleMatchingTimes({
    namespace: client.options.namespace,
    scheduleId: temporalScheduleId(scheduleId, entryId),
    startTime: msNumberToTs(from.getTime()),
    endTime: msNumberToTs(to.getTime()),
  });
  return (response.startTime ?? []).map((t) => tsToDate(t));
}

export interface ScheduleState {
  paused: boolean;
  note?: string;
  entries: { id: string; paused: boolean; note?: string; nextActionTimes: string[]; recentActions: string[] }[];
}

/** Pause state and upcoming and recent fires, as Temporal has them. */
export async function describeSchedule(client: Client, scheduleId: string, entryIds: string[]): Promise<ScheduleState> {
  const entries = await Promise.all(
    entryIds.map(async (id) => {
      const d = await client.schedule.getHandle(temporalScheduleId(scheduleId, id)).describe();
      return {
        id,
        paused: d.state.paused,
        ...(d.state.note ? { note: d.state.note } : {}),
        nextActionTimes: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
        recentActions: d.info.recentActions.slice(-5).map((a) => a.scheduledAt.toISOString()),
      };
    }),
  );
  const paused = entries.length > 0 && entries.every((e) => e.paused);
  return { paused, ...(paused && entries[0]?.note ? { note: entries[0].note } : {}), entries };
}

/** Pause or unpause every entry, with a note Temporal keeps (and the Web UI shows). */
export async function setPaused(
  client: Client,
  scheduleId: string,
  entryIds: string[],
  paused: boolean,
  note: string,
): Promise<void> {
  for (const id of entryIds) {
    const handle = client.schedule.getHandle(temporalScheduleId(scheduleId, id));
    if (paused) await handle.pause(note);
    else await handle.unpause(note);
  }
}

/** Fires one entry now, whatever its spec says. */
export async function triggerEntry(client: Client, scheduleId: string, entryId: string): Promise<void> {
  await client.schedule.getHandle(temporalScheduleId(scheduleId, entryId)).trigger('ALLOW_ALL');
}

/** Takes, now, the fires the entries would have made between two instants (after an outage, say). */
export async function backfill(
  client: Client,
  scheduleId: string,
  entryIds: string[],
  from: Date,
  to: Date,
  overlap: ScheduleSettings['overlap'],
): Promise<void> {
  for (const id of entryIds) {
    await client.schedule
      .getHandle(temporalScheduleId(scheduleId, id))
      .backfill({ start: from, end: to, overlap: overlapPolicy[overlap] });
  }
}

/** Brings Temporal in step with the schedule's current version, and records that it is. */
export async function syncScheduleNow(sql: Sql, client: Client, taskQueue: string, scheduleId: string): Promise<void> {
  const schedule = await scheduleForSync(sql, scheduleId);
  if (!schedule) return;
  const entries = await syncSchedule(client, taskQueue, schedule);
  await markScheduleSynced(sql, schedule.id, schedule.version, entries);
}
