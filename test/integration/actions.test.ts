import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { throttling } from '../support/faultProxy';
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

const ec2Action = (type: 'start' | 'stop', resourceUID: string) => ({ type, ...ec2Resource(resourceUID) });

async function submit(caller: Caller, type: 'start' | 'stop', instanceId: string, headers?: Record<string, string>) {
  const res = await h.request('POST', '/actions', { token: caller.token, body: ec2Action(type, instanceId), headers });
  expect(res.status).toBe(202);
  expect(res.body.data.status).toBe('queued');
  return res.body.data.actionID as string;
}

async function history(caller: Caller, query: string) {
  const res = await h.request('GET', `/state-history?${query}`, { token: caller.token });
  expect(res.status).toBe(200);
  return res.body.data;
}

describe('manual actions on EC2 (moto)', () => {
  it('stops and starts a real instance and records each state change', async () => {
    const [id] = await h.ec2.runInstances();
    expect(await h.ec2.state(id!)).toBe('running');

    const stopId = await submit(alice, 'stop', id!);
    const stopped = await h.waitForAction(alice, stopId);
    expect(stopped).toMatchObject({
      id: stopId,
      resourceUID: id,
      provider: 'aws',
      cloudAccountID: 'ca_test',
      region: 'us-east-1',
      action: 'stop',
      reason: 'manual',
      status: 'succeeded',
    });
    expect(stopped.errorMessage).toBeUndefined();
    expect(Date.parse(stopped.startedAt)).toBeGreaterThanOrEqual(Date.parse(stopped.createdAt));
    expect(Date.parse(stopped.completedAt)).toBeGreaterThanOrEqual(Date.parse(stopped.startedAt));
    expect(await h.ec2.state(id!)).toBe('stopped');

    const startId = await submit(alice, 'start', id!);
    expect((await h.waitForAction(alice, startId)).status).toBe('succeeded');
    expect(await h.ec2.state(id!)).toBe('running');

    const page = await history(alice, `resource_uid=${id}`);
    expect(page).toMatchObject({ total: 4, page: 1, limit: 50 });
    expect(page.items.map((i: any) => [i.state, i.executionState.step, i.executionState.status])).toEqual([
      ['stopping', 'stop-instance', 'succeeded'],
      ['stopped', 'wait-stopped', 'succeeded'],
      ['pending', 'start-instance', 'succeeded'],
      ['running', 'wait-running', 'succeeded'],
    ]);
    for (const item of page.items) {
      expect(item).toMatchObject({ resourceUid: id, changedBy: 'manual:alice@example.com' });
      expect(item.id).toMatch(/^sh_/);
      expect(item.errorMessage).toBeUndefined();
    }
    expect(page.items[0].executionState.previousState).toBe('running');
  });

  it('stopping a stopped instance succeeds without calling StopInstances', async () => {
    const [id] = await h.ec2.runInstances();
    await h.waitForAction(alice, await submit(alice, 'stop', id!));
    h.proxy.reset();

    const again = await h.waitForAction(alice, await submit(alice, 'stop', id!));
    expect(again.status).toBe('succeeded');
    expect(h.proxy.count('StopInstances')).toBe(0);
    expect(h.proxy.count('DescribeInstances', id)).toBeGreaterThan(0);
    const rows = (await history(alice, `resource_uid=${id}`)).items.filter((i: any) => i.actionId === again.id);
    expect(rows).toEqual([
      expect.objectContaining({
        state: 'stopped',
        executionState: { step: 'stop-instance', status: 'skipped', reason: 'already stopped' },
      }),
    ]);
  });

  it('an unknown instance fails at once with the provider message', async () => {
    const missing = 'i-0123456789abcdef0';
    const action = await h.waitForAction(alice, await submit(alice, 'start', missing));
    expect(action.status).toBe('failed');
    expect(action.errorMessage).toBe(
      "InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist",
    );
    // Permanent: one attempt, no retries.
    expect(h.proxy.count('DescribeInstances', missing)).toBe(1);
    const [row] = (await history(alice, `resource_uid=${missing}`)).items;
    expect(row).toMatchObject({
      state: 'failed',
      errorMessage: action.errorMessage,
      executionState: { step: 'start-instance', status: 'failed' },
    });
  });

  it('a terminated instance fails permanently', async () => {
    const [id] = await h.ec2.runInstances();
    await h.ec2.terminate(id!);
    const action = await h.waitForAction(alice, await submit(alice, 'start', id!));
    expect(action.status).toBe('failed');
    expect(action.errorMessage).toMatch(/^IncorrectInstanceState: .* is terminated/);
  });

  it('retries throttling with backoff until the call goes through, writing history once', async () => {
    const [id] = await h.ec2.runInstances();
    h.proxy.inject({ action: 'StopInstances', times: 2, error: throttling, instanceId: id });
    const action = await h.waitForAction(alice, await submit(alice, 'stop', id!));
    expect(action.status).toBe('succeeded');
    expect(await h.ec2.state(id!)).toBe('stopped');
    const calls = h.proxy.calls.filter((c) => c.action === 'StopInstances' && c.instanceIds.includes(id!));
    expect(calls.map((c) => c.injected ?? 'ok')).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'ok']);
    // Backoff: 1 s then 2 s between attempts.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(1_800);
    const rows = (await history(alice, `resource_uid=${id}`)).items;
    expect(rows.map((r: any) => r.executionState.step)).toEqual(['stop-instance', 'wait-stopped']);
  });

  it('serialises concurrent actions on one resource in the order they were submitted', async () => {
    const [id] = await h.ec2.runInstances();
    // Slow provider: unserialised actions would overlap.
    h.proxy.latencyMs = 150;
    const ids = [];
    for (const type of ['stop', 'start', 'stop'] as const) ids.push(await submit(alice, type, id!));
    const done = await Promise.all(ids.map((a) => h.waitForAction(alice, a)));
    expect(done.map((a) => a.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (let i = 1; i < done.length; i++) {
      expect(Date.parse(done[i].startedAt)).toBeGreaterThanOrEqual(Date.parse(done[i - 1].completedAt));
    }
    expect(await h.ec2.state(id!)).toBe('stopped');
    const rows = (await history(alice, `resource_uid=${id}`)).items;
    expect(rows.map((r: any) => [r.actionId, r.state])).toEqual([
      [ids[0], 'stopping'],
      [ids[0], 'stopped'],
      [ids[1], 'pending'],
      [ids[1], 'running'],
      [ids[2], 'stopping'],
      [ids[2], 'stopped'],
    ]);
  });

  it('shows running while the provider works, and the workflow answers a progress query', async () => {
    const [id] = await h.ec2.runInstances();
    h.proxy.latencyMs = 400;
    const actionId = await submit(alice, 'stop', id!);
    let seen: any;
    for (let i = 0; i < 50; i++) {
      seen = (await h.request('GET', `/actions/${actionId}`, { token: alice.token })).body.data;
      if (seen.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toMatchObject({ status: 'running', completedAt: null });
    expect(seen.startedAt).toEqual(expect.any(String));
    const progress = await h.client.workflow.getHandle(actionId).query('actionProgress');
    expect(progress).toMatchObject({ status: 'running' });
    expect((await h.waitForAction(alice, actionId)).status).toBe('succeeded');
  });

  it('keeps answering from the projection after the workflow is gone from Temporal', async () => {
    const [id] = await h.ec2.runInstances();
    const actionId = await submit(alice, 'stop', id!);
    await h.waitForAction(alice, actionId);
    await h.client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: actionId },
    });
    const res = await h.request('GET', `/actions/${actionId}`, { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: actionId, status: 'succeeded' });
  });

  it('tags each workflow with search attributes the Web UI can filter by', async () => {
    const [id] = await h.ec2.runInstances();
    const actionId = await submit(alice, 'stop', id!);
    await h.waitForAction(alice, actionId);
    const query = `LamplighterResource = '${id}' AND LamplighterOrg = '${alice.orgId}' AND LamplighterProvider = 'aws' AND LamplighterActionType = 'stop' AND LamplighterChangedBy = 'manual:alice@example.com'`;
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const wf of h.client.workflow.list({ query })) found.push(wf.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found).toEqual([actionId]);
  });
});

describe('Idempotency-Key', () => {
  it('returns the same action for a retried POST and starts nothing new', async () => {
    const [id] = await h.ec2.runInstances();
    const headers = { 'Idempotency-Key': `retry-${id}` };
    const first = await submit(alice, 'stop', id!, headers);
    await h.waitForAction(alice, first);
    const second = await submit(alice, 'stop', id!, headers);
    expect(second).toBe(first);
    const [{ count }] = await h.sql<
      [{ count: number }]
    >`SELECT count(*)::int AS count FROM actions WHERE resource_uid = ${id!}`;
    expect(count).toBe(1);
    expect((await history(alice, `resource_uid=${id}`)).total).toBe(2);
  });

  it('refuses the same key with a different body', async () => {
    const [id] = await h.ec2.runInstances();
    const headers = { 'Idempotency-Key': `mismatch-${id}` };
    await submit(alice, 'stop', id!, headers);
    const res = await h.request('POST', '/actions', { token: alice.token, body: ec2Action('start', id!), headers });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('idempotency_key_reused');
  });

  it('keys belong to one organisation', async () => {
    const bob = await h.newCaller('bob@example.com');
    const [id] = await h.ec2.runInstances();
    const headers = { 'Idempotency-Key': `shared-${id}` };
    const a = await submit(alice, 'stop', id!, headers);
    const b = await submit(bob, 'stop', id!, headers);
    expect(b).not.toBe(a);
  });
});
