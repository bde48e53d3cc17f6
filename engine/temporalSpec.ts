import type { CalendarSpec, DayOfWeek, Month, ScheduleSpec } from '@temporalio/client';
import type { ActionType } from '../domain/action';
import { matchesDay, minutesOfDay, type Calendar, type Range } from '../domain/calendar';
import type { Exclusion, NormalizedEntry } from '../domain/schedule';
import { wallClockGaps } from '../domain/timezones';

const months: Month[] = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const days: DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

/**
 * DST gaps are compensated from a year back (for backfills) to five years
 * ahead; the reconciler renews specs long before that runs out.
 */
const gapHorizonYears = 5;
const gapLookBackYears = 1;

const pad = (n: number) => String(n).padStart(2, '0');

function ranges<T>(rs: Range[], name: (n: number) => T) {
  return rs.map((r) => ({ start: name(r.start), end: name(r.end), step: r.step }));
}

function toCalendarSpec(calendar: Calendar, comment: string): CalendarSpec {
  return {
    second: 0,
    minute: ranges(calendar.minute, (n) => n),
    hour: ranges(calendar.hour, (n) => n),
    dayOfMonth: ranges(calendar.dayOfMonth, (n) => n),
    month: ranges(calendar.month, (n) => months[n - 1]!),
    dayOfWeek: ranges(calendar.dayOfWeek, (n) => days[n]!),
    comment,
  };
}

/**
 * Temporal drops a fire whose wall-clock time a DST change skips (02:30 on
 * the night clocks go from 02:00 to 03:00). For each such night ahead, add a
 * one-off fire at the end of the gap (03:00), so no fire is lost.
 */
function gapCompensations(calendar: Calendar, timeZone: string, now: Date): CalendarSpec[] {
  const year = 365 * 86_400_000;
  const minutes = minutesOfDay(calendar);
  return wallClockGaps(
    timeZone,
    new Date(now.getTime() - gapLookBackYears * year),
    new Date(now.getTime() + gapHorizonYears * year),
  )
    .filter((gap) => matchesDay(calendar, gap) && minutes.some((m) => m >= gap.fromMinute && m < gap.toMinute))
    .map((gap) => ({
      year: gap.year,
      month: months[gap.month - 1]!,
      dayOfMonth: gap.day,
      hour: Math.floor(gap.toMinute / 60),
      minute: gap.toMinute % 60,
      second: 0,
      comment: `DST: ${pad(Math.floor(gap.fromMinute / 60))}:${pad(gap.fromMinute % 60)}-${pad(Math.floor(gap.toMinute / 60))}:${pad(gap.toMinute % 60)} does not exist on ${gap.year}-${pad(gap.month)}-${pad(gap.day)}`,
    }));
}

/** Whole days from `from` to `to` (YYYY-MM-DD, inclusive), one skip calendar per month they touch. */
function skipDays(from: string, to: string, comment: string | undefined): CalendarSpec[] {
  const byMonth = new Map<string, { year: number; month: number; first: number; last: number }>();
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const d = new Date(t);
    const key = `${d.getUTCFullYear()}-${d.getUTCMonth()}`;
    const seen = byMonth.get(key);
    if (seen) seen.last = d.getUTCDate();
    else
      byMonth.set(key, {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        first: d.getUTCDate(),
        last: d.getUTCDate(),
      });
  }
  return [...byMonth.values()].map((m) => ({
    year: m.year,
    month: months[m.month - 1]!,
    dayOfMonth: { start: m.first, end: m.last },
    hour: '*',
    minute: '*',
    second: '*',
    ...(comment ? { comment } : {}),
  }));
}

function skipsFor(exclusions: Exclusion[], action: ActionType): CalendarSpec[] {
  return exclusions
    .filter((e) => !e.actions || e.actions.includes(action))
    .flatMap((e) => (e.date ? skipDays(e.date, e.date, e.note) : skipDays(e.from!, e.to!, e.note)));
}

/**
 * The Temporal spec of one schedule entry: its calendar in the schedule's
 * zone, the exclusions as skip calendars, and the DST-gap compensations.
 */
export function temporalSpecFor(
  settings: { timezone: string; exclusions: Exclusion[] },
  entry: NormalizedEntry,
  now: Date,
): ScheduleSpec {
  return {
    calendars: [
      toCalendarSpec(entry.calendar, entry.source),
      ...gapCompensations(entry.calendar, settings.timezone, now),
    ],
    skip: skipsFor(settings.exclusions, entry.action),
    timezone: settings.timezone,
  };
}
