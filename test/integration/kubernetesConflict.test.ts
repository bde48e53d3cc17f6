import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKubeClients } from '../../activities/k8s/clients';
import { createPhaseActivities, type WriteTarget } from '../../activities/k8s/phases';
import { createRateLimiter } from '../../activities/rateLimiter';
import { AccountRegistry } from '../../runtime/accounts';
import { connectDatabase, type Sql } from '../../runtime/database';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { historyOf, k8sResource, runK8sAction } from '../support/k8sActions';
import { KubeFixture } from '../support/kube';

/**
 * Optimistic concurrency against the real API server. How the conflict is
 * provoked: the phase activities are the real ones, built with the test hook
 * `beforeWrite`, which runs after Lamplighter read a workload and before it
 * writes it. There the test scales the workload as a person would (through
 * the admin's /scale call), so Lamplighter's patch carries a resourceVersion
 * the API server no longer has and is refused with a genuine 409.
 */

const kubeconfig = inject('kubeconfig');
const kube = new KubeFixture(kubeconfig);

let h: Harness;
let sql: Sql;
let alice: Caller;
let interfere: ((target: WriteTarget) => Promise<void>) | undefined;

beforeAll(async () => {
  const accounts = new AccountRegistry([
    { id: 'dev', provider: 'kubernetes', orgs: ['*'], kubeconfig, context: 'lamplighter' },
  ]);
  sql = connectDatabase(inject('databaseUrl'), { max: 2 });
  const phases = createPhaseActivities({
    kubeFor: createKubeClients(accounts),
    limiter: createRateLimiter(sql, accounts),
    beforeWrite: async (target) => interfere?.(target),
  });
  h = await startHarness({ accounts, activities: phases });
  alice = await h.newCaller();
});
afterAll(async () => {
  await h.stop();
  await sql.end();
});

describe('409 Conflict', () => {
  it('is retried with a fresh read: the newer change is remembered, never overwritten', async () => {
    const ns = await kube.namespace('conflict');
    await kube.deployment(ns, 'web', 3);
    interfere = async ({ name, attempt }) => {
      if (name === 'web' && attempt === 1) await kube.scale('deployment', ns, 'web', 5);
    };
    const stop = await runK8sAction(h, alice, 'stop', k8sResource(ns, 'dev'));
    interfere = undefined;

    expect(stop.status).toBe('succeeded');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(0);
    // 5, the person's change read afresh after the 409; a blind write would have remembered 3.
    expect(await kube.annotations('deployment', ns, 'web')).toMatchObject({
      'lamplighter.dev/original-replicas': '5',
    });
    const row = (await historyOf(h, alice, stop)).find((r) => r.executionState.step === 'scale-down-deployments');
    expect(row.executionState).toMatchObject({ status: 'succeeded', changed: 1, conflictsRetried: 1 });

    await runK8sAction(h, alice, 'start', k8sResource(ns, 'dev'));
    expect(await kube.replicas('deployment', ns, 'web')).toBe(5);
  });

  it('gives up on a workload that keeps changing, names it, and leaves the last change in place', async () => {
    const ns = await kube.namespace('busy');
    await kube.deployment(ns, 'web', 3);
    await kube.deployment(ns, 'api', 2);
    interfere = async ({ name, attempt }) => {
      if (name === 'web') await kube.scale('deployment', ns, 'web', 10 + attempt);
    };
    const stop = await runK8sAction(h, alice, 'stop', k8sResource(ns, 'dev'));
    interfere = undefined;

    expect(stop.status).toBe('failed');
    expect(stop.errorMessage).toBe(
      'WorkloadsFailed: 1 workload was not changed: deployment web (Conflict: changed by someone else 5 times in a row; not overwritten)',
    );
    expect(await kube.replicas('deployment', ns, 'web')).toBe(15);
    expect(await kube.annotations('deployment', ns, 'web')).not.toHaveProperty('lamplighter.dev/original-replicas');
    expect(await kube.replicas('deployment', ns, 'api')).toBe(0);
  });
});
