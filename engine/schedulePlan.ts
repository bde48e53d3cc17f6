import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import { activeOverridesOn } from '../db/overrides';
import { getGroup, groupMembers } from '../db/groups';
import { matchesDay, minutesOfDay } from '../domain/calendar';
import { normalizeEntries, type PlannedTransition, type Schedule } from '../domain/schedule';
import { formatLocal, isRepeatedWallTime, wallTime } from '../domain/timezones';
import { matchingTimes } from './schedules';

/**
 * The exact upcoming transitions of a schedule between two instants: the
 * times Temporal will fire (from the spec it runs, exclusions and DST
 * compensations included), each in the schedule's zone and in UTC, with the
 * fires a run will skip (a repeated wall-clock hour) and the resources an
 * active override will hold at that time.
 */
export async function planSchedule(client: Client, sql: Sql, orgId: string, schedule: Schedule, from: Date, to: Date) {
  const entries = normalizeEntries(schedule.entries, schedule.windows);
  const resourceIds =
    'groupID' in schedule.target
      ? (await getGroup(sql, orgId, schedule.target.groupID))
        ? (await groupMembers(sql, schedule.target.groupID)).map((m) => m.resourceID)
        : []
      : [schedule.target.resourceID];

  const transitions: PlannedTransition[] = [];
  for (const entry of entries) {
    const minutes = new Set(minutesOfDay(entry.calendar));
    for (const at of await matchingTimes(client, schedule.id, entry.id, from, to)) {
      const local = wallTime(at, schedule.timezone);
      const onCalendar = matchesDay(entry.calendar, local) && minutes.has(local.hour * 60 + local.minute);
      const held = await activeOverridesOn(sql, resourceIds, at.toISOString());
      transitions.push({
        at: at.toISOString(),
        localTime: formatLocal(at, schedule.timezone),
        action: entry.action,
        cronId: entry.id,
        target: schedule.target,
        ...(held.size > 0
          ? {
              heldByOverride: [...held].map(([resourceID, o]) => ({
                resourceID,
                overrideID: o.overrideId,
                until: o.until,
              })),
            }
          : {}),
        ...(isRepeatedWallTime(at, schedule.timezone)
          ? { skipped: 'repeats a wall-clock time (clocks go back): the entry fires on the first pass only' }
          : {}),
        ...(onCalendar ? {} : { dstShifted: true }),
      });
    }
  }
  return transitions.sort((a, b) => a.at.localeCompare(b.at) || a.cronId.localeCompare(b.cronId));
}
