/**
 * Records the histories the replay test checks: each scenario runs the real
 * workflow code on a throwaway Temporal dev server with scripted activities,
 * and its event history is written to test/replay/histories/<name>.json.
 *
 *   npm run record-histories
 *
 * Record new histories when adding a workflow path; never re-record old ones
 * to make a failing replay pass: that failure is the point of the test.
 * Scenarios whose history file exists are skipped, so only new ones are recorded.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActionWorkflowInput } from '../../domain/action';
import { emptyPhaseOutcome } from '../../domain/k8sWorkloads';
import { workflowsPath } from '../../worker/createWorker';
import { bulkMembersOf, FakeActivities, permanent, retryable } from '../support/fakeActivities';
import { freePort } from '../support/freePort';
import { quietSdkLogs } from '../support/sdkLogs';
import { startTemporal } from '../support/services';
import { ec2Resource } from '../support/ec2Resource';

const actionInput = (name: string, type: 'start' | 'stop'): ActionWorkflowInput => ({
  actionId: `act_replay_${name}`,
  orgId: 'org_replay',
  type,
  resource: ec2Resource('i-0abc123def4567890', 'ca_replay'),
  changedBy: 'manual:replay@example.com',
  reason: 'manual',
});

const k8sActionInput = (name: string, type: 'start' | 'stop'): ActionWorkflowInput => ({
  ...actionInput(name, type),
  resource: {
    resourceUID: 'staging',
    provider: 'kubernetes',
    resourceType: 'k8s-namespace',
    cloudAccountID: 'dev',
    region: 'cluster',
  },
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
const k8sPhase = { ...emptyPhaseOutcome(), changed: 2, unchanged: 1 };

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
  {
    name: 'k8s-namespace-stop',
    workflow: 'actionWorkflow',
    args: [k8sActionInput('k8s-stop', 'stop')],
    arrange: () => {},
  },
  {
    name: 'k8s-namespace-start-workload-failed',
    workflow: 'actionWorkflow',
    args: [k8sActionInput('k8s-start-failed', 'start')],
    arrange: (f) => {
      f.k8sPhases.restoreDeployments = { ...k8sPhase, failed: [{ name: 'web', message: 'Invalid: bad' }] };
      f.k8sPhases.restoreStatefulSets = { ...k8sPhase, drift: [{ name: 'db', found: 1, restoredTo: 3 }] };
      f.failures.resumeCronJobs = [retryable('TooManyRequests', 'slow down')];
    },
  },
  {
    name: 'k8s-namespace-stop-forbidden',
    workflow: 'actionWorkflow',
    args: [k8sActionInput('k8s-stop-forbidden', 'stop')],
    arrange: (f) => {
      f.failures.suspendCronJobs = [permanent('Forbidden', 'cronjobs.batch is forbidden')];
    },
  },
  {
    name: 'bulk-stop-ec2-and-namespace',
    workflow: 'bulkActionWorkflow',
    args: [bulkInput('stop-ec2-and-namespace', 'stop', 'halt')],
    arrange: (f) => {
      const [vm, app] = [...bulkMembersOf([[i(1)], [i(2)]]).values()].flat();
      const namespace = { ...app!, actionId: 'act_staging', resource: k8sActionInput('bulk', 'stop').resource };
      f.bulkMembers.forward = new Map([
        [0, [vm!]],
        [1, [namespace]],
      ]);
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
    if (existsSync(new URL(`./histories/${scenario.name}.json`, import.meta.url))) {
      console.log(`kept ${scenario.name} (already recorded)`);
      continue;
    }
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
