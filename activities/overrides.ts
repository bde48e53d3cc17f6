import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import { insertHistory } from '../db/history';
import { endOverride, overrideById } from '../db/overrides';
import { schedulesCovering } from '../db/schedules';
import type { ActionType } from '../domain/action';
import type { PreparedRun } from '../domain/preparedRun';
import { normalizeEntries } from '../domain/schedule';
import { matchingTimes } from '../engine/schedules';
import { prepareRun, targetMembers } from './prepareRun';

/** How far back to look for a schedule's last transition. */
const lookBackMs = 8 * 86_400_000;

export function createOverrideActivities(deps: { sql: Sql; temporal: Client }) {
  const { sql, temporal } = deps;

  async function load(overrideId: string) {
    const override = await overrideById(sql, overrideId);
    if (!override) throw new Error(`override ${overrideId} has no projection row`);
    return override;
  }

  /** What the schedules covering a resource say it should be at `at`: the action of their latest fire. */
  async function scheduledStateAt(orgId: string, resourceId: string, at: Date): Promise<ActionType | undefined> {
    let latest: { at: Date; action: ActionType } | undefined;
    for (const schedule of await schedulesCovering(sql, orgId, resourceId)) {
      for (const entry of normalizeEntries(schedule.settings.entries, schedule.settings.windows)) {
        const times = await matchingTimes(temporal, schedule.id, entry.id, new Date(at.getTime() - lookBackMs), at);
        const last = times.filter((t) => t <= at).at(-1);
        if (last && (!latest || last > latest.at)) latest = { at: last, action: entry.action };
      }
    }
    return latest?.action;
  }

  return {
    /** The override's current end and whether it was cancelled: read when its workflow starts. */
    async overrideState(input: { overrideId: string }) {
      const o = await load(input.overrideId);
      return { until: o.until, status: o.status, cancelRequested: o.cancelRequested };
    },

    /** Records the override's own action on its resources (`override:<action>`). */
    async applyOverride(input: { overrideId: string }): Promise<PreparedRun> {
      const o = await load(input.overrideId);
      return sql.begin(async (tx) => {
        const held = new Set(o.resourceIDs);
        const members = (await targetMembers(tx, o.orgId, o.target)).filter((m) => held.has(m.resourceID));
        if (members.length === 0) return { kind: 'none', reason: 'the target no longer exists' };
        return prepareRun(tx, {
          orgId: o.orgId,
          type: o.action,
          target: o.target,
          members,
          changedBy: `override:${o.action}`,
          reason: 'override',
          key: `override:${o.id}:apply`,
          failurePolicy: 'continue',
          concurrency: 100,
        });
      });
    },

    /**
     * Puts each resource back to what its schedules say at this moment
     * (`override_expired:<action>`). A resource no schedule covers stays as
     * the override left it, with a history row that says so.
     */
    async expireOverride(input: { overrideId: string }): Promise<PreparedRun[]> {
      const o = await load(input.overrideId);
      const at = new Date();
      const members = await sql.begin(async (tx) => {
        const held = new Set(o.resourceIDs);
        return (await targetMembers(tx, o.orgId, o.target)).filter((m) => held.has(m.resourceID));
      });
      const wanted = new Map<ActionType, typeof members>();
      const uncovered: typeof members = [];
      for (const m of members) {
        const action = await scheduledStateAt(o.orgId, m.resourceID, at);
        if (action) wanted.set(action, [...(wanted.get(action) ?? []), m]);
        else uncovered.push(m);
      }
      return sql.begin(async (tx) => {
        await insertHistory(
          tx,
          uncovered.map((m) => ({
            dedupeKey: `override:${o.id}:expire:${m.resourceID}`,
            orgId: o.orgId,
            resourceUid: m.resource.resourceUID,
            state: 'unchanged',
            changedAt: at.toISOString(),
            changedBy: `override_expired:${o.action}`,
            changedByType: 'override_expired' as const,
            executionState: {
              step: 'override-expired',
              status: 'skipped' as const,
              reason: 'no enabled schedule covers it: it stays as the override left it',
              overrideId: o.id,
            },
          })),
        );
        const runs: PreparedRun[] = [];
        for (const [action, group] of wanted) {
          runs.push(
            await prepareRun(tx, {
              orgId: o.orgId,
              type: action,
              target: o.target,
              members: group,
              changedBy: `override_expired:${action}`,
              reason: 'override_expired',
              key: `override:${o.id}:expire:${action}`,
              failurePolicy: 'continue',
              concurrency: 100,
            }),
          );
        }
        return runs;
      });
    },

    endOverride: (input: { overrideId: string; status: 'expired' | 'cancelled' }) =>
      endOverride(sql, input.overrideId, input.status),
  };
}
