/**
 * Time-zone arithmetic on IANA zones with the platform's Intl data: wall-clock
 * parts, offsets, and the DST changes that skip or repeat wall-clock times.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** An IANA zone name the platform knows (`Europe/Berlin`, `UTC`); offsets like `+01:00` are not zones. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

const weekdayIndex: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: weekdayIndex[parts.weekday!]!,
  };
}

/** Minutes the zone is ahead of UTC at that instant. */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 local time with its offset, e.g. `2026-11-27T20:00:00-05:00`. */
export function formatLocal(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A stretch of wall-clock time a DST change skips on one day, e.g. 02:00-03:00. */
export interface WallClockGap {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** First skipped minute of the day (inclusive) and the first minute that exists again. */
  fromMinute: number;
  toMinute: number;
}

/** The instant the offset changes between `a` and `b` (offsets differ), to the minute. */
function transitionBetween(a: number, b: number, timeZone: string): number {
  const before = offsetMinutes(new Date(a), timeZone);
  while (b - a > 60_000) {
    const mid = a + Math.floor((b - a) / 120_000) * 60_000;
    if (offsetMinutes(new Date(mid), timeZone) === before) a = mid;
    else b = mid;
  }
  return b;
}

/** Offset changes between two instants: when, and by how many minutes (positive: clocks go forward). */
export function offsetChanges(timeZone: string, from: Date, to: Date): { at: Date; shift: number }[] {
  const changes: { at: Date; shift: number }[] = [];
  const day = 86_400_000;
  for (let t = from.getTime(); t < to.getTime(); t += day) {
    const next = Math.min(t + day, to.getTime());
    const [a, b] = [offsetMinutes(new Date(t), timeZone), offsetMinutes(new Date(next), timeZone)];
    if (a !== b) changes.push({ at: new Date(transitionBetween(t, next, timeZone)), shift: b - a });
  }
  return changes;
}

/** The wall-clock times skipped when clocks go forward, between two instants. */
export function wallClockGaps(timeZone: string, from: Date, to: Date): WallClockGap[] {
  return offsetChanges(timeZone, from, to)
    .filter((c) => c.shift > 0)
    .map(({ at, shift }) => {
      const after = wallTime(at, timeZone);
      const toMinute = after.hour * 60 + after.minute;
      return { ...after, fromMinute: toMinute - shift, toMinute };
    });
}

/**
 * Whether this instant's wall-clock time already happened a little earlier
 * the same day: the second pass through the hour repeated when clocks go back.
 */
export function isRepeatedWallTime(instant: Date, timeZone: string): boolean {
  const earlier = new Date(instant.getTime() - 3 * 3_600_000);
  const shift = offsetMinutes(earlier, timeZone) - offsetMinutes(instant, timeZone);
  if (shift <= 0) return false;
  const first = new Date(instant.getTime() - shift * 60_000);
  const [a, b] = [wallTime(first, timeZone), wallTime(instant, timeZone)];
  return a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}
