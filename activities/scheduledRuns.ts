import type { Sql } from 'postgres';
import { insertHistory } from '../db/history';
import { activeOverridesOn } from '../db/overrides';
import { findRun, isBackfilled, recordRun, scheduleForSync } from '../db/schedules';
import { durationSeconds } from '../domain/schedule';
import { formatLocal, isRepeatedWallTime } from '../domain/timezones';
import type { PreparedRun } from '../domain/preparedRun';
import type { ScheduledRunInput } from '../workflows/scheduledRunInput';
import { prepareRun, targetMembers } from './prepareRun';

function describeLateness(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/**
 * What one fire of a schedule entry does, decided once and recorded in
 * schedule_runs (a retry gets the same answer): skip it (disabled, a repeated
 * wall-clock time, later than the catch-up window, nothing left to act on),
 * or record the bulk or single action to run. Resources held by an override
 * are left alone, with a history row that says why.
 */
export function createScheduledRunActivities(deps: { sql: Sql; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    async prepareScheduledRun(input: ScheduledRunInput & { scheduledAt: string }): Promise<PreparedRun> {
      return deps.sql.begin(async (tx) => {
        const schedule = await scheduleForSync(tx, input.scheduleId);
        if (!schedule || schedule.deleted) return { kind: 'none', reason: 'the schedule was deleted' };
        const { settings } = schedule;
        const scheduledAt = new Date(input.scheduledAt);
        const run = {
          scheduleId: input.scheduleId,
          cronId: input.cronId,
          action: input.action,
          scheduledAt: scheduledAt.toISOString(),
          localTime: formatLocal(scheduledAt, settings.timezone),
        };
        const skip = async (reason: string): Promise<PreparedRun> => {
          const recorded = await recordRun(tx, {
            ...run,
            outcome: 'skipped',
            reason,
            bulkActionId: null,
            actionId: null,
          });
          return { kind: 'none', reason: recorded.reason ?? reason };
        };

        // A retry keeps the first attempt's decision, even if time has moved on since.
        const decided = await findRun(tx, run.scheduleId, run.cronId, run.scheduledAt);
        if (decided?.outcome === 'skipped') return { kind: 'none', reason: decided.reason ?? 'skipped' };
        if (!decided) {
          if (!settings.enabled) return skip('the schedule is disabled');
          if (isRepeatedWallTime(scheduledAt, settings.timezone)) {
            return skip(
              `${run.localTime} repeats a wall-clock time (clocks went back); the entry fired on its first pass`,
            );
          }
          const lateMs = now().getTime() - scheduledAt.getTime();
          const late = lateMs > durationSeconds(settings.catchupWindow) * 1000;
          if (late && !(await isBackfilled(tx, input.scheduleId, run.scheduledAt))) {
            return skip(
              `missed: the fire came ${describeLateness(lateMs)} late, past the catch-up window (${settings.catchupWindow})`,
            );
          }
        }

        const members = await targetMembers(tx, schedule.orgId, settings.target);
        const held = await activeOverridesOn(
          tx,
          members.map((m) => m.resourceID),
          now().toISOString(),
        );
        const changedBy = `schedule:${settings.name}:${input.cronId}`;
        await insertHistory(
          tx,
          members
            .filter((m) => held.has(m.resourceID))
            .map((m) => {
              const o = held.get(m.resourceID)!;
              return {
                dedupeKey: `${input.scheduleId}:${input.cronId}:${run.scheduledAt}:${m.resourceID}:held`,
                orgId: schedule.orgId,
                resourceUid: m.resource.resourceUID,
                state: 'unchanged',
                changedAt: now().toISOString(),
                changedBy,
                changedByType: 'schedule' as const,
                scheduleId: input.scheduleId,
                executionState: {
                  step: 'schedule',
                  status: 'skipped' as const,
                  reason: `held by override ${o.overrideId} (${o.action} until ${o.until})`,
                  overrideId: o.overrideId,
                },
              };
            }),
        );
        const free = members.filter((m) => !held.has(m.resourceID));
        if (free.length === 0) {
          return skip(
            members.length === 0 ? 'the target no longer exists or is empty' : 'every resource is held by an override',
          );
        }

        const prepared = await prepareRun(tx, {
          orgId: schedule.orgId,
          type: input.action,
          target: settings.target,
          members: free,
          changedBy,
          reason: 'schedule',
          scheduleId: input.scheduleId,
          key: `run:${input.scheduleId}:${input.cronId}:${run.scheduledAt}`,
          failurePolicy: settings.failurePolicy,
          concurrency: settings.concurrency,
        });
        await recordRun(tx, {
          ...run,
          outcome: 'started',
          reason: held.size > 0 ? `${held.size} resource(s) held by overrides` : null,
          bulkActionId: prepared.kind === 'bulk' ? prepared.input.bulkId : null,
          actionId: prepared.kind === 'action' ? prepared.input.actionId : null,
        });
        return prepared;
      });
    },
  };
}
