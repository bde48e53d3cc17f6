/**
 * Records the histories the replay test checks: each scenario runs the real
 * workflow code on a throwaway Temporal dev server with scripted activities,
 * and its event history is written to test/replay/histories/<name>.json.
 *
 *   npm run record-histories
 *
 * Record new histories when adding a workflow path; never re-record old ones
 * to make a failing replay pass: that failure is the point of the test.
 */
import { writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActionWorkflowInput } from '../../domain/action';
import { workflowsPath } from '../../worker/createWorker';
import { bulkMembersOf, FakeActivities, permanent, retryable } from '../support/fakeActivities';
import { freePort } from '../support/freePort';
import { quietSdkLogs } from '../support/sdkLogs';
import { startTemporal } from '../support/services';

const actionInput = (name: string, type: 'start' | 'stop'): ActionWorkflowInput => ({
  actionId: `act_replay_${name}`,
  orgId: 'org_replay',
  type,
  resource: {
    resourceUID: 'i-0abc123def4567890',
    provider: 'aws',
    resourceType: 'aws-ec2',
    cloudAccountID: 'ca_replay',
    region: 'us-east-1',
  },
  changedBy: 'manual:replay@example.com',
  reason: 'manual',
});

interface Scenario {
  name: string;
  workflow: string;
  args: unknown[];
  arrange(fake: FakeActivities): void;
}

const bulkInput = (name: string, type: 'start' | 'stop', failurePolicy: string) => ({
  bulkId: `replay-bulk-${name}`,
  orgId: 'org_replay',
  type,
  failurePolicy,
  concurrency: 2,
  changedBy: `bulk:replay@example.com:replay-bulk-${name}`,
});
const i = (n: number) => `i-${String(n).padStart(17, '0')}`;

const scenarios: Scenario[] = [
  { name: 'action-stop', workflow: 'actionWorkflow', args: [actionInput('stop', 'stop')], arrange: () => {} },
  {
    name: 'action-start-already-running',
    workflow: 'actionWorkflow',
    args: [actionInput('start-noop', 'start')],
    arrange: (f) => (f.instanceState = 'running'),
  },
  {
    name: 'action-start-permanent-failure',
    workflow: 'actionWorkflow',
    args: [actionInput('start-fail', 'start')],
    arrange: (f) => {
      f.instanceState = 'stopped';
      f.failures.startInstances = [
        permanent('InvalidInstanceID.NotFound', "The instance ID 'i-0abc123def4567890' does not exist"),
      ];
    },
  },
  {
    name: 'action-start-retried',
    workflow: 'actionWorkflow',
    args: [actionInput('start-retry', 'start')],
    arrange: (f) => {
      f.instanceState = 'stopped';
      f.failures.startInstances = [retryable('InsufficientInstanceCapacity', 'no capacity')];
    },
  },
  {
    name: 'action-stop-waited-for-turn',
    workflow: 'actionWorkflow',
    args: [actionInput('stop-wait', 'stop')],
    arrange: (f) => (f.claimsRefused = 2),
  },
  {
    name: 'bulk-stop-tiers',
    workflow: 'bulkActionWorkflow',
    args: [bulkInput('stop-tiers', 'stop', 'continue')],
    arrange: (f) => (f.bulkMembers.forward = bulkMembersOf([[i(1), i(2), i(3)], [i(4)], [i(5), i(6)]])),
  },
  {
    name: 'bulk-start-compensated',
    workflow: 'bulkActionWorkflow',
    args: [bulkInput('start-compensated', 'start', 'compensate')],
    arrange: (f) => {
      f.instanceState = 'stopped';
      f.brokenInstances.add(i(4));
      f.bulkMembers.forward = bulkMembersOf([[i(1), i(2)], [i(3), i(4)], [i(5)]]);
    },
  },
];

quietSdkLogs();
const temporal = await startTemporal(await freePort());
try {
  const connection = await Connection.connect({ address: temporal.url });
  const client = new Client({ connection });
  const workerConnection = await NativeConnection.connect({ address: temporal.url });
  for (const scenario of scenarios) {
    const fake = new FakeActivities();
    scenario.arrange(fake);
    const taskQueue = `record-${scenario.name}`;
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath,
      activities: fake.activities(),
    });
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(scenario.workflow, {
        workflowId: (scenario.args[0] as { bulkId?: string }).bulkId ?? `replay-${scenario.name}`,
        taskQueue,
        args: scenario.args,
      });
      await handle.result();
      // A workflow that continued as new has several runs: record each.
      const first = client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
      const runs = [await first.fetchHistory()];
      const { runId: lastRunId } = await client.workflow.getHandle(handle.workflowId).describe();
      if (lastRunId !== handle.firstExecutionRunId) {
        runs.push(await client.workflow.getHandle(handle.workflowId, lastRunId).fetchHistory());
      }
      runs.forEach((history, n) => {
        const name = n === 0 ? scenario.name : `${scenario.name}-run${n + 1}`;
        writeFileSync(new URL(`./histories/${name}.json`, import.meta.url), historyToJSON(history));
      });
      console.log(`recorded ${scenario.name}`);
    });
  }
  await workerConnection.close();
  await connection.close();
} finally {
  await temporal.stop();
}
