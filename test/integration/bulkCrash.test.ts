import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createGroup, waitForBulk } from '../support/inventory';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  h = await startHarness({ worker: false });
  alice = await h.newCaller('alice@example.com');
});
afterAll(() => h.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a bulk action survives its worker being killed', () => {
  it('ends exact after two SIGKILLs mid-run: every resource stopped, each transition recorded once', async () => {
    const ids = await h.ec2.runInstances(30);
    const { groupId } = await createGroup(h, alice, [ids.slice(0, 10), ids.slice(10, 20), ids.slice(20, 30)]);
    // Slow provider and small batches: the bulk takes long enough to be killed twice.
    h.proxy.latencyMs = 150;
    const workerEnv = {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      DATABASE_URL: inject('databaseUrl'),
      AWS_ENDPOINT_URL_EC2: h.proxy.url,
      LAMPLIGHTER_EC2_POLL_MS: '100',
    };
    let worker: WorkerProcess = await startWorkerProcess(workerEnv);
    const res = await h.request('POST', '/actions/bulk', {
      token: alice.token,
      body: { type: 'stop', groupID: groupId, concurrency: 2 },
    });
    const bulkId = res.body.data.bulkActionID;

    for (const afterMs of [2_500, 3_000]) {
      await sleep(afterMs);
      await worker.kill();
      const progress = (await h.request('GET', `/actions/bulk/${bulkId}`, { token: alice.token })).body.data;
      expect(progress.status).toBe('running');
      expect(progress.completed).toBeLessThan(30);
      worker = await startWorkerProcess(workerEnv);
    }
    const done = await waitForBulk(h, alice, bulkId, 120_000);
    await worker.stop();

    expect(done).toMatchObject({ status: 'completed', total: 30, completed: 30, failed: 0, skipped: 0 });
    for (const id of ids) expect(await h.ec2.state(id)).toBe('stopped');
    const rows = await h.sql<{ resourceUid: string; state: string; execution: Record<string, string> }[]>`
      SELECT resource_uid AS "resourceUid", state, execution_state AS execution
      FROM state_history WHERE org_id = ${alice.orgId} ORDER BY seq`;
    for (const id of ids) {
      const mine = rows.filter((r) => r.resourceUid === id);
      expect(
        mine.map((r) => r.execution.step),
        id,
      ).toEqual(['stop-instance', 'wait-stopped']);
      // The stop is recorded as this action's change even when a kill came between EC2 acting and the
      // record (the retry then finds the instance already stopped: the provider call journal says why).
      expect(mine[0]!.execution).toMatchObject({ status: 'succeeded', previousState: 'running' });
      expect(['stopping', 'stopped']).toContain(mine[0]!.state);
      expect(mine[1]!.state).toBe('stopped');
    }
  });
});
