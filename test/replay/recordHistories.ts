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
import { FakeActivities, permanent, retryable } from '../support/fakeActivities';
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
        workflowId: `replay-${scenario.name}`,
        taskQueue,
        args: scenario.args,
      });
      await handle.result();
      const path = new URL(`./histories/${scenario.name}.json`, import.meta.url);
      writeFileSync(path, historyToJSON(await handle.fetchHistory()));
      console.log(`recorded ${scenario.name}`);
    });
  }
  await workerConnection.close();
  await connection.close();
} finally {
  await temporal.stop();
}
