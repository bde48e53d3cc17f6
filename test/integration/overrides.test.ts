import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { createGroup } from '../support/inventory';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { createSchedule, waitForRuns } from '../support/schedules';

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newCaller('alice@example.com');
});
afterAll(() => h.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A group of one instance under a schedule that says "stopped" right now. */
async function scheduledGroup() {
  const [instance] = await h.ec2.runInstances(1);
  const { groupId, resourceIds } = await createGroup(h, alice, [[instance!]]);
  const schedule = await createSchedule(h, alice, {
    target: { groupID: groupId },
    entries: [
      { id: 'night', action: 'stop', at: { time: hhmm(Date.now() - 5 * 60_000) } },
      { id: 'morning', action: 'start', at: { time: hhmm(Date.now() + 3 * 3_600_000) } },
    ],
  });
  return { instance: instance!, groupId, resourceId: resourceIds.get(instance!)!, schedule };
}

async function waitForOverride(caller: Caller, id: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.request('GET', `/overrides/${id}`, { token: caller.token });
    if (res.body.data.status === status) return res.body.data;
    if (Date.now() > deadline) throw new Error(`override ${id} still ${res.body.data.status}`);
    await sleep(200);
  }
}

async function historyOf(instance: string, type: string) {
  return (
    await h.request('GET', `/state-history?resource_uid=${instance}&changed_by_type=${type}`, { token: alice.token })
  ).body.data.items;
}

describe('overrides', () => {
  it('hold a resource against its schedule until they expire, then return it to what the schedule says', async () => {
    const { instance, resourceId, schedule } = await scheduledGroup();
    await h.ec2.stop(instance);
    const created = await h.request('POST', '/overrides', {
      token: alice.token,
      body: { resourceUID: instance, action: 'start', until: inSeconds(6), note: 'demo for the customer' },
    });
    expect(created.status).toBe(201);
    const override = created.body.data;
    expect(override).toMatchObject({
      target: { resourceID: resourceId },
      resourceIDs: [resourceId],
      action: 'start',
      status: 'active',
    });

    // Applied now.
    await eventually('the override applied', async () => (await historyOf(instance, 'override')).length === 2);
    expect(await h.ec2.state(instance)).toBe('running');
    expect((await historyOf(instance, 'override')).map((r: any) => [r.state, r.changedBy])).toEqual([
      ['pending', 'override:start'],
      ['running', 'override:start'],
    ]);

    // The schedule fires meanwhile: the resource is left alone, and history says why.
    await h.request('POST', `/schedules/${schedule.id}/trigger`, { token: alice.token, body: { cronId: 'night' } });
    const [run] = await waitForRuns(h, alice, schedule.id, 1);
    expect(run).toMatchObject({ outcome: 'skipped', reason: 'every resource is held by an override' });
    const [held] = await historyOf(instance, 'schedule');
    expect(held).toMatchObject({
      state: 'unchanged',
      scheduleId: schedule.id,
      executionState: { status: 'skipped', overrideId: override.id },
    });
    expect(await h.ec2.state(instance)).toBe('running');

    // Expiry: back to what the schedule says now (stopped), after the expiry's action has finished.
    expect((await waitForOverride(alice, override.id, 'expired')).endedAt).toEqual(expect.any(String));
    expect(await h.ec2.state(instance)).toBe('stopped');
    expect((await historyOf(instance, 'override_expired')).map((r: any) => [r.state, r.changedBy])).toEqual([
      ['stopping', 'override_expired:stop'],
      ['stopped', 'override_expired:stop'],
    ]);
  });

  it('can be extended and cancelled', async () => {
    const { groupId, instance } = await scheduledGroup();
    const created = await h.request('POST', '/overrides', {
      token: alice.token,
      body: { groupID: groupId, action: 'start', until: inSeconds(3_600) },
    });
    const id = created.body.data.id;
    const list = await h.request('GET', '/overrides', { token: alice.token });
    expect(list.body.data.map((o: any) => o.id)).toContain(id);

    const later = inSeconds(7_200);
    const extended = await h.request('PATCH', `/overrides/${id}`, { token: alice.token, body: { until: later } });
    expect(extended.body.data.until).toBe(new Date(later).toISOString());
    expect(await h.client.workflow.getHandle(id).query('overrideUntil')).toBe(new Date(later).toISOString());

    expect((await h.request('DELETE', `/overrides/${id}`, { token: alice.token })).status).toBe(202);
    await waitForOverride(alice, id, 'cancelled');
    await eventually('back to the schedule (stopped)', async () => (await h.ec2.state(instance)) === 'stopped');
    expect((await h.request('PATCH', `/overrides/${id}`, { token: alice.token, body: { until: later } })).status).toBe(
      409,
    );
  });

  it('expires on a durable timer, even when no worker ran at the time', async () => {
    const { instance } = await scheduledGroup();
    const created = await h.request('POST', '/overrides', {
      token: alice.token,
      body: { resourceUID: instance, action: 'start', until: inSeconds(4) },
    });
    const id = created.body.data.id;
    // The instance runs already: applying it is one 'skipped' row.
    await eventually('the override applied', async () => (await historyOf(instance, 'override')).length === 1);
    await h.stopWorker();
    await sleep(6_000);
    expect((await h.request('GET', `/overrides/${id}`, { token: alice.token })).body.data.status).toBe('active');
    await h.startWorker();
    await waitForOverride(alice, id, 'expired');
    expect(await h.ec2.state(instance)).toBe('stopped');
  });

  it('refuses bad requests, naming the field', async () => {
    const [instance] = await h.ec2.runInstances(1);
    const cases: [Record<string, unknown>, string][] = [
      [{ resourceUID: instance, action: 'start', until: inSeconds(-60) }, 'body.until'],
      [{ resourceUID: instance, groupID: 'grp_x', action: 'start', until: inSeconds(60) }, 'body.resourceUID'],
      [{ resourceUID: 'i-0000000000000dead', action: 'start', until: inSeconds(60) }, 'body.resourceUID'],
      [{ resourceID: 'res_nope', action: 'stop', until: inSeconds(60) }, 'body.resourceID'],
      [{ resourceUID: instance, action: 'stop', until: 'tomorrow' }, 'body.until'],
    ];
    for (const [body, path] of cases) {
      const res = await h.request('POST', '/overrides', { token: alice.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((d: any) => d.path)).toContain(path);
    }
  });
});
