import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../runtime/logger';
import { reconcileOnce } from '../../worker/reconciler';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { ec2Resource } from '../support/ec2Resource';

let h: Harness;
let alice: Caller;
let unreachable: Client;

beforeAll(async () => {
  // The API's Temporal is a server that is not there: every start fails.
  unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500 }) });
  h = await startHarness({ apiClient: unreachable });
  alice = await h.newCaller();
});
afterAll(() => h.stop());

const deps = () => ({
  sql: h.sql,
  client: h.client,
  taskQueue: h.taskQueue,
  log: createLogger('silent', 'test'),
  unstartedAfterMs: 0,
});

describe('reconciler', () => {
  it('runs an action accepted while Temporal was unreachable once Temporal is back', async () => {
    const [id] = await h.ec2.runInstances();
    const res = await h.request('POST', '/actions', {
      token: alice.token,
      body: { type: 'stop', ...ec2Resource(id!) },
    });
    expect(res.status).toBe(202);
    const actionId = res.body.data.actionID;
    const pending = await h.request('GET', `/actions/${actionId}`, { token: alice.token });
    expect(pending.body.data.status).toBe('pending');
    expect(await h.ec2.state(id!)).toBe('running');

    const { started } = await reconcileOnce(deps());
    expect(started).toBeGreaterThanOrEqual(1);
    expect((await h.waitForAction(alice, actionId)).status).toBe('succeeded');
    expect(await h.ec2.state(id!)).toBe('stopped');
    // A second pass finds nothing left to start.
    const again = await reconcileOnce(deps());
    expect(again.started).toBe(0);
  });

  it('fails an action whose workflow was terminated by hand, and frees its resource', async () => {
    const [id] = await h.ec2.runInstances();
    h.proxy.latencyMs = 2_000;
    const res = await h.request('POST', '/actions', {
      token: alice.token,
      body: { type: 'stop', ...ec2Resource(id!) },
    });
    const actionId = res.body.data.actionID;
    await reconcileOnce(deps());
    for (let i = 0; i < 100; i++) {
      const [row] = await h.sql`SELECT status FROM actions WHERE id = ${actionId}`;
      if (row!.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await h.client.workflow.getHandle(actionId).terminate('operator pressed the button');
    h.proxy.latencyMs = 0;

    await reconcileOnce({ ...deps(), runningCheckAfterMs: 0 });
    const action = (await h.request('GET', `/actions/${actionId}`, { token: alice.token })).body.data;
    expect(action.status).toBe('failed');
    expect(action.errorMessage).toMatch(/^WorkflowClosed: .*TERMINATED/);
    const [{ count }] = await h.sql<
      [{ count: number }]
    >`SELECT count(*)::int AS count FROM actions WHERE resource_uid = ${id!} AND status IN ('pending', 'running')`;
    expect(count).toBe(0);
  });
});
