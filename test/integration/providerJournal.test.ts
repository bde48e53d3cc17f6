import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { insertAction } from '../../db/actions';
import { newId } from '../../domain/ids';
import { AccountRegistry } from '../../runtime/accounts';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { ec2Resource } from '../support/ec2Resource';

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  alice = await h.newCaller();
});
afterAll(() => h.stop());

describe('provider call journal', () => {
  it('a change retried after the worker died reports the change, not a no-op', async () => {
    const [instanceId] = await h.ec2.runInstances();
    const actionId = newId('act');
    const resource = ec2Resource(instanceId!);
    await insertAction(h.sql, {
      actionId,
      orgId: alice.orgId,
      type: 'stop',
      resource,
      changedBy: 'manual:a@b.c',
      reason: 'manual',
    });
    const { stopInstances } = createActivities({
      sql: h.sql,
      temporal: h.client,
      accounts: new AccountRegistry(),
      aws: { ec2Endpoint: h.proxy.url, pollIntervalMs: 100 },
    });
    const input = {
      cloudAccountID: 'ca_test',
      region: 'us-east-1',
      instanceIds: [instanceId!],
      journal: { step: 'stop-instance', actionIds: { [instanceId!]: actionId } },
    };
    const env = new MockActivityEnvironment();

    const first = await env.run(stopInstances, input);
    expect(first).toEqual([expect.objectContaining({ status: 'changed', previousState: 'running' })]);
    // The retry of the same attempt (its result was lost with the worker):
    const retried = await env.run(stopInstances, input);
    expect(retried).toEqual([expect.objectContaining({ status: 'changed', previousState: 'running' })]);
    expect(h.proxy.count('StopInstances', instanceId)).toBe(1);
    // Another action finds the instance stopped by someone else: a no-op.
    const { journal: _, ...unjournaled } = input;
    expect(await env.run(stopInstances, unjournaled)).toEqual([
      expect.objectContaining({ status: 'unchanged', state: 'stopped' }),
    ]);
  });
});
