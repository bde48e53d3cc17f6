import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AccountRegistry } from '../../runtime/accounts';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { historyOf, k8sResource } from '../support/k8sActions';
import { KubeFixture } from '../support/kube';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

/**
 * A worker killed (SIGKILL) in the middle of a phase, between two workloads:
 * the phase's heartbeat stops, Temporal retries the activity on another
 * worker process, and the retry finds the workloads already scaled (their
 * annotation and zero replicas say so) and finishes the rest. The kill lands
 * mid-phase because the cluster's rate limit in the accounts file allows two
 * API calls per second, so a phase over six Deployments takes seconds.
 */

const kubeconfig = inject('kubeconfig');
const kube = new KubeFixture(kubeconfig);
const scratch = mkdtempSync(path.join(tmpdir(), 'lamplighter-crash-'));
const accountsFile = path.join(scratch, 'accounts.json');
const deployments = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];

let h: Harness;
let alice: Caller;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  const slowCluster = {
    id: 'slow',
    provider: 'kubernetes',
    orgs: ['*'],
    kubeconfig,
    context: 'lamplighter',
    rateLimit: { perSecond: 2, burst: 1 },
  };
  writeFileSync(accountsFile, JSON.stringify({ accounts: [slowCluster] }));
  // No worker in this process: only the worker processes below run the action.
  h = await startHarness({ accounts: await AccountRegistry.load(accountsFile), worker: false });
  alice = await h.newCaller();
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await h.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function startWorker(): Promise<WorkerProcess> {
  const worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    DATABASE_URL: inject('databaseUrl'),
    LAMPLIGHTER_ACCOUNTS_FILE: accountsFile,
  });
  workers.push(worker);
  return worker;
}

async function scaledDown(ns: string): Promise<number> {
  const replicas = await Promise.all(deployments.map((d) => kube.replicas('deployment', ns, d)));
  return replicas.filter((r) => r === 0).length;
}

describe('worker killed between two workloads', () => {
  it('the action still completes, every original replica count is kept, and history has each step once', async () => {
    const ns = await kube.namespace('crash');
    for (const [i, d] of deployments.entries()) await kube.deployment(ns, d, i + 1);
    await kube.statefulSet(ns, 'db', 2);
    await kube.cronJob(ns, 'report');
    const first = await startWorker();

    const res = await h.request('POST', '/actions', {
      token: alice.token,
      body: { type: 'stop', ...k8sResource(ns, 'slow') },
    });
    const actionId = res.body.data.actionID;
    let atKill = 0;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      atKill = await scaledDown(ns);
      if (atKill >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.kill();
    // Really mid-phase: some deployments done, some not.
    expect(atKill).toBeGreaterThanOrEqual(2);
    expect(await scaledDown(ns)).toBeLessThan(deployments.length);

    await startWorker();
    const stop = await h.waitForAction(alice, actionId, 90_000);
    expect(stop.status).toBe('succeeded');
    for (const [i, d] of deployments.entries()) {
      expect(await kube.replicas('deployment', ns, d)).toBe(0);
      // The retry did not re-remember a zero: each keeps its first value.
      expect(await kube.annotations('deployment', ns, d)).toMatchObject({
        'lamplighter.dev/original-replicas': String(i + 1),
      });
    }
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(0);
    const rows = await historyOf(h, alice, stop);
    expect(rows.map((r) => r.executionState.step)).toEqual([
      'suspend-cronjobs',
      'scale-down-deployments',
      'scale-down-statefulsets',
    ]);
    // The retried attempt found the ones the killed worker had done: nothing failed.
    const deploymentsRow = rows[1];
    expect(deploymentsRow.executionState.failed).toEqual([]);
    expect(deploymentsRow.executionState.changed + deploymentsRow.executionState.unchanged).toBe(deployments.length);

    const history = await h.client.workflow.getHandle(actionId).fetchHistory();
    const retried = (history.events ?? []).some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried).toBe(true);

    const startRes = await h.request('POST', '/actions', {
      token: alice.token,
      body: { type: 'start', ...k8sResource(ns, 'slow') },
    });
    const start = await h.waitForAction(alice, startRes.body.data.actionID, 60_000);
    expect(start.status).toBe('succeeded');
    for (const [i, d] of deployments.entries()) expect(await kube.replicas('deployment', ns, d)).toBe(i + 1);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(2);
    expect(await kube.suspended(ns, 'report')).toBe(false);
  }, 180_000);
});
