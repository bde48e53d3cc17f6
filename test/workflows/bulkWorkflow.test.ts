import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BulkActionInput } from '../../domain/bulk';
import { bulkMembersOf, FakeActivities } from '../support/fakeActivities';
import { startWorkflowWorker } from '../support/workflowWorker';

/** The bulk workflow's tiers and failure policies against a real Temporal server, with scripted activities. */

let stopWorker: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopWorker?.();
  stopWorker = undefined;
});

const i = (n: number) => `i-${String(n).padStart(17, '0')}`;

async function run(fake: FakeActivities, input: Partial<BulkActionInput>) {
  const worker = await startWorkflowWorker(fake.activities());
  stopWorker = worker.stop;
  const bulkId = `bulk_${randomUUID()}`;
  const handle = await worker.client.workflow.start('bulkActionWorkflow', {
    workflowId: bulkId,
    taskQueue: worker.taskQueue,
    args: [
      {
        bulkId,
        orgId: 'org_test',
        type: 'stop',
        failurePolicy: 'continue',
        concurrency: 100,
        changedBy: `bulk:a@b.c:${bulkId}`,
        ...input,
      },
    ],
  });
  await handle.result();
  return bulkId;
}

/** Instance ids in the order the provider changed them. */
function changeOrder(fake: FakeActivities): string[] {
  return fake.rows
    .filter((r) => r.executionState?.step.endsWith('-instance') && r.state !== 'failed')
    .map((r) => r.resourceUid);
}

describe('bulkActionWorkflow', () => {
  it('stop runs tiers and orders descending; start ascending', async () => {
    const stop = new FakeActivities();
    stop.bulkMembers.forward = bulkMembersOf([[i(1), i(2)], [i(3)], [i(4), i(5)]]);
    await run(stop, { type: 'stop', concurrency: 1 });
    expect(changeOrder(stop)).toEqual([i(5), i(4), i(3), i(2), i(1)]);
    expect(stop.bulkStatuses).toEqual(['running', 'completed']);

    const start = new FakeActivities();
    start.instanceState = 'stopped';
    start.bulkMembers.forward = bulkMembersOf([[i(1), i(2)], [i(3)], [i(4), i(5)]]);
    await run(start, { type: 'start', concurrency: 1 });
    expect(changeOrder(start)).toEqual([i(1), i(2), i(3), i(4), i(5)]);
  });

  it('records every member under the bulk action', async () => {
    const fake = new FakeActivities();
    fake.bulkMembers.forward = bulkMembersOf([[i(1), i(2)]]);
    const bulkId = await run(fake, {});
    expect(fake.finished.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    for (const row of fake.rows) {
      expect(row).toMatchObject({ changedBy: `bulk:a@b.c:${bulkId}`, changedByType: 'bulk' });
      expect(row.executionState).toMatchObject({ bulkActionId: bulkId });
    }
  });

  it('halt: ends after the tier with a failure', async () => {
    const fake = new FakeActivities();
    fake.brokenInstances.add(i(4));
    fake.bulkMembers.forward = bulkMembersOf([[i(1)], [i(2)], [i(3), i(4)]]);
    await run(fake, { failurePolicy: 'halt' });
    expect(fake.bulkStatuses).toEqual(['running', 'halted']);
    expect(fake.calls).toContain('skipPendingBulkMembers');
    expect(changeOrder(fake)).toEqual([i(3)]);
  });

  it('compensate: undoes what succeeded, tiers in reverse', async () => {
    const fake = new FakeActivities();
    fake.instanceState = 'stopped';
    fake.brokenInstances.add(i(4));
    fake.bulkMembers.forward = bulkMembersOf([[i(1)], [i(2)], [i(3), i(4)]]);
    await run(fake, { type: 'start', failurePolicy: 'compensate' });
    expect(fake.bulkStatuses).toEqual(['running', 'compensating', 'compensated']);
    const undo = fake.rows.filter((r) => r.executionState?.compensation && r.executionState.step === 'stop-instance');
    expect(undo.map((r) => r.resourceUid)).toEqual([i(3), i(2), i(1)]);
  });

  it('continue: later tiers run after a failure', async () => {
    const fake = new FakeActivities();
    fake.brokenInstances.add(i(3));
    fake.bulkMembers.forward = bulkMembersOf([[i(1)], [i(2), i(3)]]);
    await run(fake, {});
    expect(fake.bulkStatuses).toEqual(['running', 'completed']);
    expect(fake.finished.filter((r) => r.status === 'failed').map((r) => r.actionId)).toEqual([`act_${i(3)}`]);
    expect(changeOrder(fake)).toEqual([i(2), i(1)]);
  });
});
