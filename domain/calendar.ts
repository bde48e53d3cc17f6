/**
 * Wall-clock calendars: which minutes of which hours on which days an entry
 * fires, as ranges. Parsed from cron strings or `{time, days}` forms, turned
 * into Temporal calendar specs, and evaluated on wall-clock times to find the
 * fires a DST change would drop. No zod here: workflow code may import it.
 */

export interface Range {
  start: number;
  end: number;
  step: number;
}

export interface Calendar {
  minute: Range[];
  hour: Range[];
  dayOfMonth: Range[];
  month: Range[];
  /** 0 = Sunday. */
  dayOfWeek: Range[];
}

export class CalendarError extends Error {
  override name = 'CalendarError';
}

const fields = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
] as const;

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof weekdays)[number];

const all = (min: number, max: number): Range[] => [{ start: min, end: max, step: 1 }];

function parseValue(text: string, field: (typeof fields)[number]): number {
  const named = 'names' in field ? field.names.indexOf(text.toLowerCase() as never) : -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) throw new CalendarError(`${field.name}: '${text}' is not a number`);
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new CalendarError(`${field.name}: ${value} is out of range ${field.min}-${field.max}`);
  }
  return value;
}

function parseField(text: string, field: (typeof fields)[number]): Range[] {
  return text.split(',').map((part) => {
    const [body, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CalendarError(`${field.name}: bad step '${stepText}'`);
    if (body === '*') return { start: field.min, end: field.max, step };
    const [from, to] = body!.split('-');
    const start = parseValue(from!, field);
    const end = to === undefined ? (stepText === undefined ? start : field.max) : parseValue(to, field);
    if (end < start) throw new CalendarError(`${field.name}: range ${body} runs backwards`);
    return { start, end, step };
  });
}

const inRanges = (value: number, ranges: Range[]) =>
  ranges.some((r) => value >= r.start && value <= r.end && (value - r.start) % r.step === 0);

/** A standard five-field cron expression (minute hour day-of-month month day-of-week). */
export function parseCron(expression: string): Calendar {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    throw new CalendarError(`expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => parseField(p, fields[i]!));
  // Cron accepts 7 for Sunday as well as 0.
  const days = new Set<number>();
  for (let d = 0; d <= 7; d++) if (inRanges(d, dayOfWeek!)) days.add(d % 7);
  const dow = [...days].sort().map((d) => ({ start: d, end: d, step: 1 }));
  return { minute: minute!, hour: hour!, dayOfMonth: dayOfMonth!, month: month!, dayOfWeek: dow };
}

/** `{time: "20:00", days: ["fri"]}`: at that time on those days (every day without days). */
export function calendarAt(time: string, days?: readonly Weekday[]): Calendar {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new CalendarError(`time '${time}' is not HH:MM (24 h)`);
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  return {
    minute: [{ start: minute, end: minute, step: 1 }],
    hour: [{ start: hour, end: hour, step: 1 }],
    dayOfMonth: all(1, 31),
    month: all(1, 12),
    dayOfWeek:
      days && days.length > 0
        ? days.map((d) => ({ start: weekdays.indexOf(d), end: weekdays.indexOf(d), step: 1 }))
        : all(0, 6),
  };
}

/** Days of week and of month both restrict, as Temporal evaluates calendars. */
export function matchesDay(
  calendar: Calendar,
  day: { year: number; month: number; day: number; weekday: number },
): boolean {
  return (
    inRanges(day.month, calendar.month) &&
    inRanges(day.day, calendar.dayOfMonth) &&
    inRanges(day.weekday, calendar.dayOfWeek)
  );
}

/** Wall-clock minutes of the day (0-1439) at which the calendar fires, on a day it matches. */
export function minutesOfDay(calendar: Calendar): number[] {
  const minutes: number[] = [];
  for (let h = 0; h < 24; h++) {
    if (!inRanges(h, calendar.hour)) continue;
    for (let m = 0; m < 60; m++) if (inRanges(m, calendar.minute)) minutes.push(h * 60 + m);
  }
  return minutes;
}
