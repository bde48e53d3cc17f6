import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup, waitForBulk } from '../support/inventory';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { ec2Resource } from '../support/ec2Resource';

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newCaller('alice@example.com');
});
afterAll(() => h.stop());
beforeEach(() => h.proxy.reset());

async function bulk(caller: Caller, body: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await h.request('POST', '/actions/bulk', { token: caller.token, body, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.data as { bulkActionID: string; status: string; total: number };
}

async function memberActions(bulkId: string) {
  return h.sql<
    {
      id: string;
      resourceUid: string;
      tier: number;
      phase: string;
      type: string;
      status: string;
      startedAt: Date | null;
      completedAt: Date | null;
      errorMessage: string | null;
    }[]
  >`
    SELECT id, resource_uid AS "resourceUid", bulk_tier AS tier, bulk_phase AS phase, type, status,
           started_at AS "startedAt", completed_at AS "completedAt", error_message AS "errorMessage"
    FROM actions WHERE bulk_action_id = ${bulkId} ORDER BY seq`;
}

/** Every action of tier `next` started after every action of tier `previous` ended. */
function expectTierAfter(actions: Awaited<ReturnType<typeof memberActions>>, previous: number, next: number) {
  const lastEnd = Math.max(...actions.filter((a) => a.tier === previous).map((a) => a.completedAt!.getTime()));
  const firstStart = Math.min(...actions.filter((a) => a.tier === next).map((a) => a.startedAt!.getTime()));
  expect(firstStart).toBeGreaterThanOrEqual(lastEnd);
}

describe('bulk actions in tiers', () => {
  it('stops tiers in descending order and starts them ascending, each tier gated on the one before', async () => {
    const ids = await h.ec2.runInstances(6);
    const tiers = [ids.slice(0, 2), ids.slice(2, 4), ids.slice(4, 6)];
    const { groupId } = await createGroup(h, alice, tiers);

    const stop = await bulk(alice, { type: 'stop', groupID: groupId });
    expect(stop).toMatchObject({ status: 'queued', total: 6 });
    const stopped = await waitForBulk(h, alice, stop.bulkActionID);
    expect(stopped).toMatchObject({
      id: stop.bulkActionID,
      groupID: groupId,
      type: 'stop',
      status: 'completed',
      total: 6,
      completed: 6,
      failed: 0,
    });
    for (const id of ids) expect(await h.ec2.state(id)).toBe('stopped');
    const stopActions = await memberActions(stop.bulkActionID);
    expectTierAfter(stopActions, 2, 1);
    expectTierAfter(stopActions, 1, 0);

    const start = await bulk(alice, { type: 'start', groupID: groupId });
    expect((await waitForBulk(h, alice, start.bulkActionID)).completed).toBe(6);
    for (const id of ids) expect(await h.ec2.state(id)).toBe('running');
    const startActions = await memberActions(start.bulkActionID);
    expectTierAfter(startActions, 0, 1);
    expectTierAfter(startActions, 1, 2);

    // Each member is an action with its own history, attributed to the bulk action.
    const member = startActions[0]!;
    const action = await h.request('GET', `/actions/${member.id}`, { token: alice.token });
    expect(action.body.data).toMatchObject({
      reason: 'bulk',
      status: 'succeeded',
      changedBy: `bulk:alice@example.com:${start.bulkActionID}`,
    });
    const rows = (
      await h.request('GET', `/state-history?resource_uid=${member.resourceUid}&changed_by_type=bulk`, {
        token: alice.token,
      })
    ).body.data.items;
    expect(rows.map((r: any) => [r.state, r.changedBy])).toEqual([
      ['stopping', `bulk:alice@example.com:${stop.bulkActionID}`],
      ['stopped', `bulk:alice@example.com:${stop.bulkActionID}`],
      ['pending', `bulk:alice@example.com:${start.bulkActionID}`],
      ['running', `bulk:alice@example.com:${start.bulkActionID}`],
    ]);
    const latest = await h.request('GET', '/actions/bulk/latest', { token: alice.token });
    expect(latest.body.data.id).toBe(start.bulkActionID);
  });

  it('continue: a failed resource does not stop later tiers', async () => {
    const ids = await h.ec2.runInstances(4);
    await h.ec2.terminate(ids[3]!);
    const { groupId } = await createGroup(h, alice, [[ids[0]!], [ids[1]!, ids[3]!], [ids[2]!]]);
    const { bulkActionID } = await bulk(alice, { type: 'stop', groupID: groupId });
    const done = await waitForBulk(h, alice, bulkActionID);
    expect(done).toMatchObject({ status: 'completed', total: 4, completed: 3, failed: 1, skipped: 0 });
    const failed = (await memberActions(bulkActionID)).find((a) => a.status === 'failed')!;
    expect(failed.resourceUid).toBe(ids[3]);
    expect(failed.errorMessage).toMatch(/^IncorrectInstanceState: .*terminated/);
    for (const id of ids.slice(0, 3)) expect(await h.ec2.state(id)).toBe('stopped');
  });

  it('halt: stops before the next tier and reports the rest as skipped', async () => {
    const ids = await h.ec2.runInstances(4);
    await h.ec2.terminate(ids[1]!);
    // stop runs tier 1 first.
    const { groupId } = await createGroup(h, alice, [
      [ids[2]!, ids[3]!],
      [ids[0]!, ids[1]!],
    ]);
    const { bulkActionID } = await bulk(alice, { type: 'stop', groupID: groupId, failurePolicy: 'halt' });
    const done = await waitForBulk(h, alice, bulkActionID);
    expect(done).toMatchObject({ status: 'halted', total: 4, completed: 1, failed: 1, skipped: 2 });
    expect(await h.ec2.state(ids[0]!)).toBe('stopped');
    expect(await h.ec2.state(ids[2]!)).toBe('running');
    expect(await h.ec2.state(ids[3]!)).toBe('running');
    const skipped = (await memberActions(bulkActionID)).filter((a) => a.tier === 0);
    for (const a of skipped) {
      expect(a.status).toBe('failed');
      expect(a.errorMessage).toMatch(/^NotRun: the bulk action halted after a failure in tier 1/);
    }
  });

  it('compensate: undoes the tiers already done, in reverse, and says so in history', async () => {
    const ids = await h.ec2.runInstances(4);
    for (const id of ids) await h.ec2.stop(id);
    await h.ec2.terminate(ids[3]!);
    const { groupId } = await createGroup(h, alice, [[ids[0]!], [ids[1]!, ids[3]!], [ids[2]!]]);
    const { bulkActionID } = await bulk(alice, { type: 'start', groupID: groupId, failurePolicy: 'compensate' });
    const done = await waitForBulk(h, alice, bulkActionID);
    expect(done).toMatchObject({
      status: 'compensated',
      total: 4,
      completed: 2,
      failed: 1,
      skipped: 1,
      compensated: 2,
    });
    for (const id of ids.slice(0, 3)) expect(await h.ec2.state(id)).toBe('stopped');

    const actions = await memberActions(bulkActionID);
    const undo = actions.filter((a) => a.phase === 'compensate');
    expect(undo.map((a) => [a.resourceUid, a.type, a.status])).toEqual(
      expect.arrayContaining([
        [ids[0], 'stop', 'succeeded'],
        [ids[1], 'stop', 'succeeded'],
      ]),
    );
    // Reverse order: tier 1 is undone before tier 0.
    const t1 = undo.find((a) => a.tier === 1)!;
    const t0 = undo.find((a) => a.tier === 0)!;
    expect(t0.startedAt!.getTime()).toBeGreaterThanOrEqual(t1.completedAt!.getTime());
    const rows = (await h.request('GET', `/state-history?resource_uid=${ids[0]}`, { token: alice.token })).body.data
      .items;
    expect(rows.at(-1)).toMatchObject({
      state: 'stopped',
      executionState: { compensation: true, bulkActionId: bulkActionID },
    });
  });

  it('keeps at most `concurrency` resources in flight within a tier', async () => {
    const ids = await h.ec2.runInstances(6);
    const { groupId } = await createGroup(h, alice, [ids]);
    h.proxy.latencyMs = 50;
    const { bulkActionID } = await bulk(alice, { type: 'stop', groupID: groupId, concurrency: 2 });
    expect((await waitForBulk(h, alice, bulkActionID)).completed).toBe(6);
    const stops = h.proxy.calls.filter((c) => c.action === 'StopInstances');
    expect(stops).toHaveLength(3);
    for (const call of stops) expect(call.instanceIds.length).toBeLessThanOrEqual(2);
  });

  it('batches one provider call per step for a tier of one account and region', async () => {
    const ids = await h.ec2.runInstances(20);
    const { groupId } = await createGroup(h, alice, [ids]);
    const { bulkActionID } = await bulk(alice, { type: 'stop', groupID: groupId });
    expect((await waitForBulk(h, alice, bulkActionID)).completed).toBe(20);
    expect(h.proxy.count('StopInstances')).toBe(1);
  });

  it('waits for a manual action already running on a member, then acts after it', async () => {
    const ids = await h.ec2.runInstances(2);
    const { groupId } = await createGroup(h, alice, [ids]);
    h.proxy.latencyMs = 300;
    const manual = await h.request('POST', '/actions', {
      token: alice.token,
      body: { type: 'stop', ...ec2Resource(ids[0]!) },
    });
    const { bulkActionID } = await bulk(alice, { type: 'stop', groupID: groupId });
    const manualDone = await h.waitForAction(alice, manual.body.data.actionID);
    await waitForBulk(h, alice, bulkActionID);
    const member = (await memberActions(bulkActionID)).find((a) => a.resourceUid === ids[0])!;
    expect(member.startedAt!.getTime()).toBeGreaterThanOrEqual(Date.parse(manualDone.completedAt));
  });
});

describe('dry run', () => {
  it('answers the plan from current states and changes nothing', async () => {
    const ids = await h.ec2.runInstances(3);
    await h.ec2.stop(ids[1]!);
    await h.ec2.terminate(ids[2]!);
    const { groupId, resourceIds } = await createGroup(h, alice, [[ids[0]!, ids[1]!], [ids[2]!]]);
    const res = await h.request('POST', '/actions/bulk', {
      token: alice.token,
      body: { type: 'stop', groupID: groupId, dryRun: true },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      dryRun: true,
      groupID: groupId,
      type: 'stop',
      total: 3,
      wouldChange: 1,
      tiers: [
        {
          tier: 1,
          resources: [
            {
              resourceID: resourceIds.get(ids[2]!),
              resourceUID: ids[2],
              resourceType: 'aws-ec2',
              order: 0,
              currentState: 'terminated',
              change: 'impossible',
              reason: 'terminated: cannot stop',
            },
          ],
        },
        {
          tier: 0,
          resources: [
            {
              resourceID: resourceIds.get(ids[1]!),
              resourceUID: ids[1],
              resourceType: 'aws-ec2',
              order: 1,
              currentState: 'stopped',
              change: 'none',
              reason: 'already stopped',
            },
            {
              resourceID: resourceIds.get(ids[0]!),
              resourceUID: ids[0],
              resourceType: 'aws-ec2',
              order: 0,
              currentState: 'running',
              change: 'stop',
            },
          ],
        },
      ],
    });
    expect(h.proxy.count('StopInstances')).toBe(0);
    expect(await h.ec2.state(ids[0]!)).toBe('running');
    const [{ count }] = await h.sql<
      [{ count: number }]
    >`SELECT count(*)::int AS count FROM bulk_actions WHERE group_id = ${groupId}`;
    expect(count).toBe(0);
  });
});

describe('bulk requests', () => {
  it('Idempotency-Key returns the same bulk action', async () => {
    const ids = await h.ec2.runInstances(2);
    const { groupId } = await createGroup(h, alice, [ids]);
    const headers = { 'Idempotency-Key': `bulk-${groupId}` };
    const first = await bulk(alice, { type: 'stop', groupID: groupId }, headers);
    const second = await bulk(alice, { type: 'stop', groupID: groupId }, headers);
    expect(second).toEqual(first);
    const [{ count }] = await h.sql<
      [{ count: number }]
    >`SELECT count(*)::int AS count FROM bulk_actions WHERE group_id = ${groupId}`;
    expect(count).toBe(1);
  });

  it('refuses an unknown group, an empty group and bad fields, naming them', async () => {
    const bad = await h.request('POST', '/actions/bulk', {
      token: alice.token,
      body: { type: 'stop', groupID: 'grp_nope' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'body.groupID', message: 'no such group in your organisation' }]);
    const empty = await h.request('POST', '/groups', { token: alice.token, body: { name: `empty-${Date.now()}` } });
    const noMembers = await h.request('POST', '/actions/bulk', {
      token: alice.token,
      body: { type: 'stop', groupID: empty.body.data.id },
    });
    expect(noMembers.status).toBe(400);
    const fields = await h.request('POST', '/actions/bulk', {
      token: alice.token,
      body: { type: 'stop', groupID: empty.body.data.id, failurePolicy: 'pray', concurrency: 0 },
    });
    expect(fields.body.error.details.map((d: any) => d.path).sort()).toEqual([
      'body.concurrency',
      'body.failurePolicy',
    ]);
  });

  it("never runs or shows another organisation's group or bulk action", async () => {
    const bob = await h.newCaller('bob@example.com');
    const ids = await h.ec2.runInstances(1);
    const { groupId } = await createGroup(h, alice, [ids]);
    const asBob = await h.request('POST', '/actions/bulk', {
      token: bob.token,
      body: { type: 'stop', groupID: groupId },
    });
    expect(asBob.status).toBe(400);
    const { bulkActionID } = await bulk(alice, { type: 'stop', groupID: groupId });
    expect((await h.request('GET', `/actions/bulk/${bulkActionID}`, { token: bob.token })).status).toBe(404);
    expect((await h.request('GET', '/actions/bulk/latest', { token: bob.token })).status).toBe(404);
    await waitForBulk(h, alice, bulkActionID);
  });
});
