import { z } from 'zod';
import { ActionType } from './action';
import { FailurePolicy } from './bulk';
import { calendarAt, CalendarError, parseCron, weekdays, type Calendar } from './calendar';
import { isTimeZone } from './timezones';

const Day = z.enum(weekdays);
const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)');
const DateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'not a real date',
  );
const EntryId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, _ and -');

/** "Stop at 20:00 on weekdays": a cron expression, or a time and days. */
export const ScheduleEntry = z.union([
  z.strictObject({ id: EntryId.optional(), action: ActionType, cron: z.string().min(1).max(200) }),
  z.strictObject({
    id: EntryId.optional(),
    action: ActionType,
    at: z.strictObject({ time: Time, days: z.array(Day).optional() }),
  }),
]);
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;

/** "Down from Fri 20:00 to Mon 07:00": a stop and a start. Without days: every day. */
export const SleepWindow = z.strictObject({
  from: z.strictObject({ time: Time, days: z.array(Day).optional() }),
  to: z.strictObject({ time: Time, days: z.array(Day).optional() }),
});
export type SleepWindow = z.infer<typeof SleepWindow>;

/** Dates (in the schedule's zone) on which the schedule does not fire: holidays, one-off days, ranges. */
export const Exclusion = z
  .strictObject({
    date: DateOnly.optional(),
    from: DateOnly.optional(),
    to: DateOnly.optional(),
    /** Only these actions are skipped (default: both). */
    actions: z.array(ActionType).min(1).optional(),
    note: z.string().max(200).optional(),
  })
  .superRefine((e, ctx) => {
    if (Boolean(e.date) === Boolean(e.from || e.to)) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'give either date, or from and to' });
    } else if (!e.date && (!e.from || !e.to)) {
      ctx.addIssue({ code: 'custom', path: [e.from ? 'to' : 'from'], message: 'a range needs from and to' });
    } else if (e.from && e.to && e.from > e.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'ends before it starts' });
    } else if (e.from && e.to && Date.parse(e.to) - Date.parse(e.from) > 366 * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'a range spans at most a year' });
    }
  });
export type Exclusion = z.infer<typeof Exclusion>;

export const overlapPolicies = [
  'skip',
  'buffer_one',
  'buffer_all',
  'cancel_other',
  'terminate_other',
  'allow_all',
] as const;

/** `90s`, `15m`, `1h`, `2d` in seconds. */
export function durationSeconds(duration: string): number {
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[duration.slice(-1) as 's' | 'm' | 'h' | 'd'];
  return Number(duration.slice(0, -1)) * unit;
}

const Duration = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'must be a duration such as 15m, 1h or 2d')
  .refine((d) => durationSeconds(d) >= 60 && durationSeconds(d) <= 7 * 86_400, 'must be between 1m and 7d');

const Target = z.union([
  z.strictObject({ groupID: z.string().min(1).max(64) }),
  z.strictObject({ resourceID: z.string().min(1).max(64) }),
]);

const scheduleFields = {
  /** Appears in history as `schedule:<name>:<entry id>`, so no colons. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be letters, digits, . _ - (no spaces or colons)'),
  target: Target,
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  entries: z.array(ScheduleEntry).max(50),
  windows: z.array(SleepWindow).max(20),
  exclusions: z.array(Exclusion).max(500),
  enabled: z.boolean(),
  /** A fire missed by longer than this (Temporal or the workers were down) is skipped, and recorded. */
  catchupWindow: Duration,
  overlap: z.enum(overlapPolicies),
  failurePolicy: FailurePolicy,
  concurrency: z.number().int().min(1).max(1_000),
};

/** Entries must parse and have distinct ids; a schedule needs at least one entry or window. */
function checkEntries(s: { entries: ScheduleEntry[]; windows: SleepWindow[] }, ctx: z.RefinementCtx): void {
  if (s.entries.length === 0 && s.windows.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['entries'], message: 'give at least one entry or window' });
    return;
  }
  s.entries.forEach((entry, i) => {
    if ('cron' in entry) {
      try {
        parseCron(entry.cron);
      } catch (error) {
        if (!(error instanceof CalendarError)) throw error;
        ctx.addIssue({ code: 'custom', path: ['entries', i, 'cron'], message: error.message });
      }
    }
  });
  const ids = new Set<string>();
  for (const e of entryIds(s.entries, s.windows)) {
    if (ids.has(e)) ctx.addIssue({ code: 'custom', path: ['entries'], message: `entry id ${e} is used twice` });
    ids.add(e);
  }
}

export const CreateScheduleRequest = z
  .strictObject({
    ...scheduleFields,
    entries: scheduleFields.entries.default([]),
    windows: scheduleFields.windows.default([]),
    exclusions: scheduleFields.exclusions.default([]),
    enabled: scheduleFields.enabled.default(true),
    catchupWindow: scheduleFields.catchupWindow.default('1h'),
    overlap: scheduleFields.overlap.default('buffer_one'),
    failurePolicy: scheduleFields.failurePolicy.default('continue'),
    concurrency: scheduleFields.concurrency.default(100),
  })
  .superRefine(checkEntries);
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequest>;
export type ScheduleSettings = CreateScheduleRequest;

/**
 * `PATCH /schedules/{id}`: the fields given replace the stored ones; the
 * result is checked as a whole, like a new schedule.
 */
export const UpdateScheduleRequest = z.strictObject(scheduleFields).partial();
export type UpdateScheduleRequest = z.infer<typeof UpdateScheduleRequest>;

/** One thing a schedule does: an id (the `cronId` of history), an action and when. */
export interface NormalizedEntry {
  id: string;
  action: ActionType;
  calendar: Calendar;
  /** As the user wrote it, for humans: `0 20 * * 1-5`, `fri 20:00`. */
  source: string;
}

const describeAt = (at: { time: string; days?: string[] }) => `${at.days?.join(',') ?? 'daily'} ${at.time}`;

/** The ids of entries and windows' edges: `cron_<n>` unless given, `window_<n>_stop|start`. */
function entryIds(entries: ScheduleEntry[], windows: SleepWindow[]): string[] {
  return [
    ...entries.map((e, i) => e.id ?? `cron_${i + 1}`),
    ...windows.flatMap((_, i) => [`window_${i + 1}_stop`, `window_${i + 1}_start`]),
  ];
}

/** Entries and windows as a flat list of entries (a window is a stop and a start). */
export function normalizeEntries(entries: ScheduleEntry[], windows: SleepWindow[]): NormalizedEntry[] {
  return [
    ...entries.map((e, i) =>
      'cron' in e
        ? { id: e.id ?? `cron_${i + 1}`, action: e.action, calendar: parseCron(e.cron), source: e.cron }
        : {
            id: e.id ?? `cron_${i + 1}`,
            action: e.action,
            calendar: calendarAt(e.at.time, e.at.days),
            source: describeAt(e.at),
          },
    ),
    ...windows.flatMap((w, i) => [
      {
        id: `window_${i + 1}_stop`,
        action: 'stop' as const,
        calendar: calendarAt(w.from.time, w.from.days),
        source: describeAt(w.from),
      },
      {
        id: `window_${i + 1}_start`,
        action: 'start' as const,
        calendar: calendarAt(w.to.time, w.to.days),
        source: describeAt(w.to),
      },
    ]),
  ];
}

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  target: z.union([z.object({ groupID: z.string() }), z.object({ resourceID: z.string() })]),
  timezone: z.string(),
  entries: z.array(ScheduleEntry),
  windows: z.array(SleepWindow),
  exclusions: z.array(Exclusion),
  enabled: z.boolean(),
  catchupWindow: z.string(),
  overlap: z.enum(overlapPolicies),
  failurePolicy: FailurePolicy,
  concurrency: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof Schedule>;

export const PlannedTransition = z.object({
  /** UTC. */
  at: z.string(),
  /** The same instant in the schedule's zone, with its offset. */
  localTime: z.string(),
  action: ActionType,
  cronId: z.string(),
  target: Schedule.shape.target,
  /** Resources an active override will hold at that time. */
  heldByOverride: z.array(z.object({ resourceID: z.string(), overrideID: z.string(), until: z.string() })).optional(),
  /** A fire Temporal makes that the run will skip (the second pass through a repeated hour). */
  skipped: z.string().optional(),
  /** An extra fire at the end of a DST gap, standing in for a time that does not exist that day. */
  dstShifted: z.boolean().optional(),
});
export type PlannedTransition = z.infer<typeof PlannedTransition>;

export const PlanQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(60).default(7),
  from: z.iso.datetime({ offset: true }).optional(),
});
