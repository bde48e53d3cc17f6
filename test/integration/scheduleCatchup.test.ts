import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduledRunActivities } from '../../activities/scheduledRuns';
import { CreateScheduleRequest } from '../../domain/schedule';
import { insertSchedule, listRuns } from '../../db/schedules';
import { eventually } from '../support/eventually';
import { createGroup } from '../support/inventory';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { createSchedule, waitForRuns } from '../support/schedules';

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  // No worker: the schedule fires while none runs.
  h = await startHarness({ worker: false });
  alice = await h.newCaller('alice@example.com');
});
afterAll(() => h.stop());

const hhmm = (t: Date) => t.toISOString().slice(11, 16);

describe('catch-up after an outage', () => {
  it('a fire made while no worker ran is taken when one returns, within the catch-up window', async () => {
    const [instance] = await h.ec2.runInstances(1);
    const { groupId } = await createGroup(h, alice, [[instance!]]);
    // The next whole minute at least 15 s away (schedules fire on minutes): this test waits up to 75 s.
    let fireAt = Math.ceil(Date.now() / 60_000) * 60_000;
    if (fireAt - Date.now() < 15_000) fireAt += 60_000;
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      entries: [{ id: 'once', action: 'stop', at: { time: hhmm(new Date(fireAt)) } }],
      catchupWindow: '10m',
    });

    await new Promise((r) => setTimeout(r, fireAt - Date.now() + 4_000));
    // Temporal fired on time; with no worker nothing has acted yet.
    expect((await h.request('GET', `/schedules/${s.id}/runs`, { token: alice.token })).body.data).toEqual([]);
    expect(await h.ec2.state(instance!)).toBe('running');

    await h.startWorker();
    const [run] = await waitForRuns(h, alice, s.id, 1);
    expect(run).toMatchObject({ cronId: 'once', outcome: 'started', scheduledAt: new Date(fireAt).toISOString() });
    await eventually('the instance stopped', async () => (await h.ec2.state(instance!)) === 'stopped');
  }, 150_000);

  it('a fire later than the catch-up window is skipped, and the record says why', async () => {
    const { groupId } = await createGroup(h, alice, [await h.ec2.runInstances(1)]);
    const settings = CreateScheduleRequest.parse({
      name: `late-${Date.now()}`,
      target: { groupID: groupId },
      timezone: 'UTC',
      entries: [{ id: 'evening', action: 'stop', cron: '0 20 * * *' }],
      catchupWindow: '1h',
    });
    const schedule = await insertSchedule(h.sql, alice.orgId, settings);
    const scheduledAt = '2026-11-20T20:00:00.000Z';
    const { prepareScheduledRun } = createScheduledRunActivities({
      sql: h.sql,
      now: () => new Date('2026-11-20T23:00:00Z'),
    });
    const prepared = await new MockActivityEnvironment().run(prepareScheduledRun, {
      scheduleId: schedule.id,
      cronId: 'evening',
      action: 'stop' as const,
      scheduledAt,
    });
    expect(prepared).toEqual({
      kind: 'none',
      reason: 'missed: the fire came 3 h late, past the catch-up window (1h)',
    });
    const [run] = await listRuns(h.sql, schedule.id, 10);
    expect(run).toMatchObject({ outcome: 'skipped', scheduledAt, localTime: '2026-11-20T20:00:00+00:00' });
  });
});
