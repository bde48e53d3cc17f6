import { describe, expect, it } from 'vitest';
import { calendarAt, CalendarError, matchesDay, minutesOfDay, parseCron } from '../../domain/calendar';
import { formatLocal, isRepeatedWallTime, isTimeZone, offsetChanges, wallClockGaps } from '../../domain/timezones';

describe('parseCron', () => {
  it('reads the five fields, names and steps', () => {
    const c = parseCron('30 20 * * mon-fri');
    expect(minutesOfDay(c)).toEqual([20 * 60 + 30]);
    expect(matchesDay(c, { year: 2026, month: 11, day: 27, weekday: 5 })).toBe(true);
    expect(matchesDay(c, { year: 2026, month: 11, day: 28, weekday: 6 })).toBe(false);
    expect(minutesOfDay(parseCron('*/20 9-10 * * *'))).toEqual([540, 560, 580, 600, 620, 640]);
    expect(parseCron('0 0 * * 7').dayOfWeek).toEqual([{ start: 0, end: 0, step: 1 }]);
    expect(parseCron('0 0 1 jan,jul *').month).toEqual([
      { start: 1, end: 1, step: 1 },
      { start: 7, end: 7, step: 1 },
    ]);
  });

  it.each([
    ['0 20 * *', 'expected 5 fields'],
    ['61 20 * * *', 'minute: 61 is out of range 0-59'],
    ['0 24 * * *', 'hour: 24 is out of range 0-23'],
    ['0 0 * * funday', "day of week: 'funday' is not a number"],
    ['0 5-3 * * *', 'hour: range 5-3 runs backwards'],
  ])('refuses %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CalendarError);
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('builds calendars from a time and days', () => {
    expect(minutesOfDay(calendarAt('07:05', ['mon']))).toEqual([425]);
    expect(() => calendarAt('7:5')).toThrow("time '7:5' is not HH:MM");
  });
});

describe('time zones', () => {
  it('knows IANA zones and refuses the rest', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('+01:00')).toBe(false);
  });

  it('finds the wall-clock hour skipped in spring and the change in autumn', () => {
    const gaps = wallClockGaps('America/New_York', new Date('2027-01-01T00:00:00Z'), new Date('2027-12-31T00:00:00Z'));
    expect(gaps).toEqual([
      { year: 2027, month: 3, day: 14, hour: 3, minute: 0, second: 0, weekday: 0, fromMinute: 120, toMinute: 180 },
    ]);
    const changes = offsetChanges(
      'America/New_York',
      new Date('2027-01-01T00:00:00Z'),
      new Date('2027-12-31T00:00:00Z'),
    );
    expect(changes.map((c) => [c.at.toISOString(), c.shift])).toEqual([
      ['2027-03-14T07:00:00.000Z', 60],
      ['2027-11-07T06:00:00.000Z', -60],
    ]);
    expect(wallClockGaps('UTC', new Date('2027-01-01T00:00:00Z'), new Date('2027-12-31T00:00:00Z'))).toEqual([]);
  });

  it('tells the second pass through a repeated hour from the first', () => {
    // 01:30 happens twice in New York on 7 November 2027: 05:30Z (EDT), then 06:30Z (EST).
    expect(isRepeatedWallTime(new Date('2027-11-07T05:30:00Z'), 'America/New_York')).toBe(false);
    expect(isRepeatedWallTime(new Date('2027-11-07T06:30:00Z'), 'America/New_York')).toBe(true);
    expect(isRepeatedWallTime(new Date('2027-11-08T06:30:00Z'), 'America/New_York')).toBe(false);
    expect(formatLocal(new Date('2027-11-07T06:30:00Z'), 'America/New_York')).toBe('2027-11-07T01:30:00-05:00');
  });
});
