import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { createGroup, waitForBulk } from '../support/inventory';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { createSchedule, plan, waitForRuns } from '../support/schedules';

let h: Harness;
let alice: Caller;
let groupId: string;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newCaller('alice@example.com');
  groupId = (await createGroup(h, alice, [await h.ec2.runInstances(1)])).groupId;
});
afterAll(() => h.stop());

const brief = (transitions: any[]) => transitions.map((t) => [t.at, t.localTime, t.action]);

describe('schedule validation', () => {
  it('names every bad field', async () => {
    const res = await h.request('POST', '/schedules', {
      token: alice.token,
      body: {
        name: 'has:colon',
        target: { groupID: groupId },
        timezone: 'Mars/Olympus',
        entries: [
          { action: 'stop', cron: '0 25 * * *' },
          { action: 'start', at: { time: '7:00' } },
        ],
        exclusions: [{ from: '2026-12-24' }, { date: '2026-02-30' }],
        catchupWindow: '5s',
      },
    });
    expect(res.status).toBe(400);
    const details = Object.fromEntries(res.body.error.details.map((d: any) => [d.path, d.message]));
    expect(details).toMatchObject({
      'body.name': 'must be letters, digits, . _ - (no spaces or colons)',
      'body.timezone': 'must be an IANA time zone such as Europe/Berlin',
      'body.entries.1.at.time': 'must be HH:MM (24 h)',
      'body.exclusions.1.date': 'not a real date',
      'body.catchupWindow': 'must be between 1m and 7d',
    });
    const cron = await h.request('POST', '/schedules', {
      token: alice.token,
      body: {
        name: 'n',
        target: { groupID: groupId },
        timezone: 'UTC',
        entries: [{ action: 'stop', cron: '0 25 * * *' }],
      },
    });
    expect(cron.body.error.details).toEqual([
      { path: 'body.entries.0.cron', message: 'hour: 25 is out of range 0-23' },
    ]);
  });

  it('refuses a target of another organisation and a taken name', async () => {
    const bob = await h.newCaller('bob@example.com');
    const theirs = await h.request('POST', '/schedules', {
      token: bob.token,
      body: {
        name: 'x',
        target: { groupID: groupId },
        timezone: 'UTC',
        windows: [{ from: { time: '20:00' }, to: { time: '07:00' } }],
      },
    });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error.details).toEqual([{ path: 'body.target.groupID', message: 'not in your organisation' }]);
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      windows: [{ from: { time: '20:00' }, to: { time: '07:00' } }],
    });
    const again = await h.request('POST', '/schedules', {
      token: alice.token,
      body: {
        name: s.name,
        target: { groupID: groupId },
        timezone: 'UTC',
        windows: [{ from: { time: '20:00' }, to: { time: '07:00' } }],
      },
    });
    expect(again.status).toBe(409);
  });
});

describe('schedules on Temporal Schedules', () => {
  it('creates one Temporal Schedule per entry, visible with its next runs, and removes them on delete', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'Europe/Berlin',
      windows: [{ from: { time: '22:00' }, to: { time: '06:00' } }],
    });
    expect(s.temporal.paused).toBe(false);
    expect(s.temporal.entries.map((e: any) => e.id)).toEqual(['window_1_stop', 'window_1_start']);
    for (const entry of s.temporal.entries) expect(entry.nextActionTimes.length).toBeGreaterThan(0);
    const described = await h.client.schedule.getHandle(`${s.id}.window_1_stop`).describe();
    expect(described.spec.timezone).toBe('Europe/Berlin');
    expect(described.memo).toMatchObject({ schedule: s.name });

    expect((await h.request('DELETE', `/schedules/${s.id}`, { token: alice.token })).status).toBe(204);
    await expect(h.client.schedule.getHandle(`${s.id}.window_1_stop`).describe()).rejects.toThrow();
  });

  it('pauses and unpauses with a note, and the enabled flag pauses too', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      entries: [{ action: 'stop', cron: '0 20 * * *' }],
    });
    const paused = await h.request('POST', `/schedules/${s.id}/pause`, {
      token: alice.token,
      body: { note: 'release freeze' },
    });
    expect(paused.body.data.temporal).toMatchObject({ paused: true, note: 'release freeze' });
    const unpaused = await h.request('POST', `/schedules/${s.id}/unpause`, { token: alice.token, body: {} });
    expect(unpaused.body.data.temporal.paused).toBe(false);
    const disabled = await h.request('PATCH', `/schedules/${s.id}`, { token: alice.token, body: { enabled: false } });
    expect(disabled.body.data).toMatchObject({ enabled: false, temporal: { paused: true } });
    const enabled = await h.request('PATCH', `/schedules/${s.id}`, { token: alice.token, body: { enabled: true } });
    expect(enabled.body.data.temporal.paused).toBe(false);
  });

  it('updates entries in place and deletes the Temporal Schedules of entries removed', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      entries: [
        { id: 'evening', action: 'stop', cron: '0 20 * * *' },
        { id: 'morning', action: 'start', cron: '0 7 * * *' },
      ],
    });
    const res = await h.request('PATCH', `/schedules/${s.id}`, {
      token: alice.token,
      body: { entries: [{ id: 'evening', action: 'stop', cron: '30 21 * * *' }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.temporal.entries.map((e: any) => e.id)).toEqual(['evening']);
    await expect(h.client.schedule.getHandle(`${s.id}.morning`).describe()).rejects.toThrow();
    const bad = await h.request('PATCH', `/schedules/${s.id}`, {
      token: alice.token,
      body: { entries: [{ action: 'stop', cron: 'nope' }] },
    });
    expect(bad.body.error.details).toEqual([
      { path: 'body.entries.0.cron', message: 'expected 5 fields (minute hour day-of-month month day-of-week), got 1' },
    ]);
  });
});

describe('plan: the exact upcoming transitions', () => {
  it('a window across midnight', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'Europe/Berlin',
      windows: [{ from: { time: '22:00' }, to: { time: '06:00' } }],
    });
    expect(brief(await plan(h, alice, s.id, '2026-12-01T00:00:00Z', 2))).toEqual([
      ['2026-12-01T05:00:00.000Z', '2026-12-01T06:00:00+01:00', 'start'],
      ['2026-12-01T21:00:00.000Z', '2026-12-01T22:00:00+01:00', 'stop'],
      ['2026-12-02T05:00:00.000Z', '2026-12-02T06:00:00+01:00', 'start'],
      ['2026-12-02T21:00:00.000Z', '2026-12-02T22:00:00+01:00', 'stop'],
    ]);
  });

  it('a weekend window, with a holiday skipped and a range that skips only starts', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'Europe/Berlin',
      windows: [{ from: { days: ['fri'], time: '20:00' }, to: { days: ['mon'], time: '07:00' } }],
      exclusions: [
        { date: '2026-12-11', note: 'office party' },
        { from: '2026-12-28', to: '2027-01-01', actions: ['start'], note: 'closed between the years' },
      ],
    });
    expect(brief(await plan(h, alice, s.id, '2026-12-01T00:00:00Z', 33))).toEqual([
      ['2026-12-04T19:00:00.000Z', '2026-12-04T20:00:00+01:00', 'stop'],
      ['2026-12-07T06:00:00.000Z', '2026-12-07T07:00:00+01:00', 'start'],
      ['2026-12-14T06:00:00.000Z', '2026-12-14T07:00:00+01:00', 'start'],
      ['2026-12-18T19:00:00.000Z', '2026-12-18T20:00:00+01:00', 'stop'],
      ['2026-12-21T06:00:00.000Z', '2026-12-21T07:00:00+01:00', 'start'],
      ['2026-12-25T19:00:00.000Z', '2026-12-25T20:00:00+01:00', 'stop'],
      ['2027-01-01T19:00:00.000Z', '2027-01-01T20:00:00+01:00', 'stop'],
    ]);
  });

  it('DST spring forward: a fire in the skipped hour happens when the clocks have changed, not never', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'America/New_York',
      entries: [{ action: 'stop', cron: '30 2 * * *' }],
    });
    const transitions = await plan(h, alice, s.id, '2027-03-13T00:00:00Z', 3);
    expect(brief(transitions)).toEqual([
      ['2027-03-13T07:30:00.000Z', '2027-03-13T02:30:00-05:00', 'stop'],
      ['2027-03-14T07:00:00.000Z', '2027-03-14T03:00:00-04:00', 'stop'],
      ['2027-03-15T06:30:00.000Z', '2027-03-15T02:30:00-04:00', 'stop'],
    ]);
    expect(transitions[1].dstShifted).toBe(true);
  });

  it('DST fall back: a fire in the repeated hour runs once', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'America/New_York',
      entries: [{ action: 'stop', cron: '30 1 * * *' }],
    });
    const transitions = await plan(h, alice, s.id, '2027-11-06T00:00:00Z', 3);
    expect(transitions.map((t) => [t.localTime, t.skipped ? 'skipped' : 'runs'])).toEqual([
      ['2027-11-06T01:30:00-04:00', 'runs'],
      ['2027-11-07T01:30:00-04:00', 'runs'],
      ['2027-11-07T01:30:00-05:00', 'skipped'],
      ['2027-11-08T01:30:00-05:00', 'runs'],
    ]);
  });
});

describe('runs, end to end through Temporal (backfilled over past DST changes)', () => {
  it('spring forward 2026-03-08: one run a day, the one in the gap at 03:00', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'America/New_York',
      entries: [{ action: 'stop', cron: '30 2 * * *' }],
    });
    const res = await h.request('POST', `/schedules/${s.id}/backfill`, {
      token: alice.token,
      body: { from: '2026-03-07T00:00:00Z', to: '2026-03-10T00:00:00Z' },
    });
    expect(res.status).toBe(202);
    const runs = await waitForRuns(h, alice, s.id, 3);
    expect(runs.map((r) => [r.localTime, r.outcome]).sort()).toEqual([
      ['2026-03-07T02:30:00-05:00', 'started'],
      ['2026-03-08T03:00:00-04:00', 'started'],
      ['2026-03-09T02:30:00-04:00', 'started'],
    ]);
  });

  it('fall back 2025-11-02: the second 01:30 is recorded as skipped, not run', async () => {
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      timezone: 'America/New_York',
      entries: [{ action: 'stop', cron: '30 1 * * *' }],
    });
    await h.request('POST', `/schedules/${s.id}/backfill`, {
      token: alice.token,
      body: { from: '2025-11-01T00:00:00Z', to: '2025-11-04T00:00:00Z' },
    });
    const runs = await waitForRuns(h, alice, s.id, 4);
    expect(runs.map((r) => [r.localTime, r.outcome]).sort()).toEqual([
      ['2025-11-01T01:30:00-04:00', 'started'],
      ['2025-11-02T01:30:00-04:00', 'started'],
      ['2025-11-02T01:30:00-05:00', 'skipped'],
      ['2025-11-03T01:30:00-05:00', 'started'],
    ]);
    expect(runs.find((r) => r.outcome === 'skipped').reason).toMatch(/repeats a wall-clock time/);
  });

  it('trigger now runs an entry, and history says schedule:<name>:<cronId> with the scheduleId', async () => {
    const [instance] = await h.ec2.runInstances(1);
    const { groupId: gid } = await createGroup(h, alice, [[instance!]]);
    const s = await createSchedule(h, alice, {
      target: { groupID: gid },
      entries: [{ id: 'nightly', action: 'stop', cron: '0 20 * * *' }],
    });
    expect(
      (await h.request('POST', `/schedules/${s.id}/trigger`, { token: alice.token, body: { cronId: 'nightly' } }))
        .status,
    ).toBe(202);
    const [run] = await waitForRuns(h, alice, s.id, 1);
    expect(run).toMatchObject({ cronId: 'nightly', outcome: 'started', action: 'stop' });
    let rows: any[] = [];
    await eventually('two history rows', async () => {
      const path = `/state-history?resource_uid=${instance}&changed_by_type=schedule`;
      rows = (await h.request('GET', path, { token: alice.token })).body.data.items;
      return rows.length >= 2;
    });
    expect(rows.map((r) => [r.state, r.changedBy, r.scheduleId])).toEqual([
      ['stopping', `schedule:${s.name}:nightly`, s.id],
      ['stopped', `schedule:${s.name}:nightly`, s.id],
    ]);
    expect(await h.ec2.state(instance!)).toBe('stopped');
    expect(await waitForBulk(h, alice, run.bulkActionId)).toMatchObject({ status: 'completed', completed: 1 });
  });
});
