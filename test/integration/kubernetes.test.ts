import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AccountRegistry } from '../../runtime/accounts';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { createGroupOf, waitForBulk } from '../support/inventory';
import { historyOf, k8sResource, runK8sAction } from '../support/k8sActions';
import { KubeFixture, type ScalableKind } from '../support/kube';
import { createSchedule, waitForRuns } from '../support/schedules';
import { ec2Resource } from '../support/ec2Resource';

/**
 * The Kubernetes provider against a real kube-apiserver, through the HTTP
 * API. Lamplighter acts as user `lamplighter`, granted only the shipped
 * deploy/kubernetes/rbac.yaml (applied by the test setup).
 */

const kubeconfig = inject('kubeconfig');
const kube = new KubeFixture(kubeconfig);
const keepAwake = { 'lamplighter.dev/keep': 'awake' };

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  h = await startHarness({
    accounts: new AccountRegistry([
      {
        id: 'dev',
        provider: 'kubernetes',
        orgs: ['*'],
        kubeconfig,
        context: 'lamplighter',
        excludeSelector: 'lamplighter.dev/keep=awake',
      },
      { id: 'locked', provider: 'kubernetes', orgs: ['*'], kubeconfig, context: 'nobody' },
      { id: 'ca_test', provider: 'aws', orgs: ['*'] },
    ]),
  });
  alice = await h.newCaller('alice@example.com');
});
afterAll(() => h.stop());

const act = (type: 'start' | 'stop', uid: string, cluster = 'dev') =>
  runK8sAction(h, alice, type, k8sResource(uid, cluster));

/** Replicas of each workload, by `kind/name`. */
async function replicasOf(namespace: string, workloads: [ScalableKind, string][]) {
  const entries = await Promise.all(
    workloads.map(async ([kind, name]) => [`${kind}/${name}`, await kube.replicas(kind, namespace, name)] as const),
  );
  return Object.fromEntries(entries);
}

const lamplighterAnnotations = (annotations: Record<string, string> | undefined) =>
  Object.keys(annotations ?? {}).filter((k) => k.startsWith('lamplighter.dev/original'));

describe('namespace turndown and turn-up', () => {
  it('scales every workload to zero, suspends cron jobs, and restores exactly what it changed', async () => {
    const ns = await kube.namespace('sleepy');
    await kube.deployment(ns, 'web', 3);
    await kube.deployment(ns, 'api', 2);
    await kube.deployment(ns, 'worker', 1);
    await kube.deployment(ns, 'idle', 0);
    await kube.statefulSet(ns, 'db', 1);
    await kube.statefulSet(ns, 'cache', 3);
    await kube.cronJob(ns, 'report');
    await kube.cronJob(ns, 'cleanup', { suspend: true });
    const workloads: [ScalableKind, string][] = [
      ['deployment', 'web'],
      ['deployment', 'api'],
      ['deployment', 'worker'],
      ['deployment', 'idle'],
      ['statefulset', 'db'],
      ['statefulset', 'cache'],
    ];
    const before = await replicasOf(ns, workloads);

    const stop = await act('stop', ns);
    expect(stop).toMatchObject({ status: 'succeeded', provider: 'kubernetes', resourceUID: ns });
    for (const [kind, name] of workloads) expect(await kube.replicas(kind, ns, name)).toBe(0);
    expect(await kube.annotations('deployment', ns, 'web')).toMatchObject({
      'lamplighter.dev/original-replicas': '3',
    });
    expect(await kube.annotations('statefulset', ns, 'cache')).toMatchObject({
      'lamplighter.dev/original-replicas': '3',
    });
    // Already at zero: left alone, so turn-up leaves it at zero too.
    expect(lamplighterAnnotations(await kube.annotations('deployment', ns, 'idle'))).toEqual([]);
    expect(await kube.suspended(ns, 'report')).toBe(true);
    expect(await kube.annotations('cronjob', ns, 'report')).toMatchObject({
      'lamplighter.dev/original-suspend': 'false',
    });

    const stopRows = await historyOf(h, alice, stop);
    expect(stopRows.map((r) => [r.state, r.executionState])).toEqual([
      [
        'scaling-down',
        { step: 'suspend-cronjobs', status: 'succeeded', changed: 1, unchanged: 1, excluded: 0, failed: [] },
      ],
      [
        'scaling-down',
        { step: 'scale-down-deployments', status: 'succeeded', changed: 3, unchanged: 1, excluded: 0, failed: [] },
      ],
      [
        'stopped',
        { step: 'scale-down-statefulsets', status: 'succeeded', changed: 2, unchanged: 0, excluded: 0, failed: [] },
      ],
    ]);
    for (const row of stopRows) expect(row.changedBy).toBe('manual:alice@example.com');

    const start = await act('start', ns);
    expect(start.status).toBe('succeeded');
    expect(await replicasOf(ns, workloads)).toEqual(before);
    for (const [kind, name] of workloads) {
      expect(lamplighterAnnotations(await kube.annotations(kind, ns, name))).toEqual([]);
    }
    expect(await kube.suspended(ns, 'report')).toBe(false);
    // Suspended by a person before the turndown: stays suspended.
    expect(await kube.suspended(ns, 'cleanup')).toBe(true);
    expect(lamplighterAnnotations(await kube.annotations('cronjob', ns, 'report'))).toEqual([]);

    const startRows = await historyOf(h, alice, start);
    expect(startRows.map((r) => [r.state, r.executionState.step, r.executionState.changed])).toEqual([
      ['scaling-up', 'restore-statefulsets', 2],
      ['scaling-up', 'restore-deployments', 3],
      ['running', 'resume-cronjobs', 1],
    ]);
  });

  it('a second turndown writes nothing; turn-up of a namespace never turned down succeeds without changes', async () => {
    const ns = await kube.namespace('twice');
    await kube.deployment(ns, 'web', 2);
    await kube.cronJob(ns, 'report');
    await act('stop', ns);
    const versionBefore = (await kube.read('deployment', ns, 'web')).metadata?.resourceVersion;

    const again = await act('stop', ns);
    expect(again.status).toBe('succeeded');
    expect((await kube.read('deployment', ns, 'web')).metadata?.resourceVersion).toBe(versionBefore);
    expect((await historyOf(h, alice, again)).map((r) => [r.executionState.status, r.executionState.changed])).toEqual([
      ['skipped', 0],
      ['skipped', 0],
      ['skipped', 0],
    ]);

    const awake = await kube.namespace('awake');
    await kube.deployment(awake, 'web', 2);
    await kube.cronJob(awake, 'report');
    const awakeVersion = (await kube.read('deployment', awake, 'web')).metadata?.resourceVersion;
    const start = await act('start', awake);
    expect(start.status).toBe('succeeded');
    expect(await kube.replicas('deployment', awake, 'web')).toBe(2);
    expect((await kube.read('deployment', awake, 'web')).metadata?.resourceVersion).toBe(awakeVersion);
    const rows = await historyOf(h, alice, start);
    expect(rows.map((r) => [r.executionState.status, r.executionState.changed, r.executionState.unchanged])).toEqual([
      ['skipped', 0, 0],
      ['skipped', 0, 1],
      ['skipped', 0, 1],
    ]);
    expect(rows.at(-1).state).toBe('running');
  });

  it('leaves workloads excluded by annotation or by the cluster selector alone', async () => {
    const ns = await kube.namespace('mixed');
    await kube.deployment(ns, 'web', 2);
    await kube.deployment(ns, 'pinned', 2, { annotations: { 'lamplighter.dev/exclude': 'true' } });
    await kube.statefulSet(ns, 'db', 1, { labels: keepAwake });
    await kube.cronJob(ns, 'backup', { labels: keepAwake });

    const stop = await act('stop', ns);
    expect(stop.status).toBe('succeeded');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(0);
    expect(await kube.replicas('deployment', ns, 'pinned')).toBe(2);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(1);
    expect(await kube.suspended(ns, 'backup')).toBeFalsy();
    expect(lamplighterAnnotations(await kube.annotations('deployment', ns, 'pinned'))).toEqual([]);
    expect(lamplighterAnnotations(await kube.annotations('statefulset', ns, 'db'))).toEqual([]);
    expect((await historyOf(h, alice, stop)).map((r) => r.executionState.excluded)).toEqual([1, 1, 1]);

    const start = await act('start', ns);
    expect(start.status).toBe('succeeded');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(2);
    expect(await kube.replicas('deployment', ns, 'pinned')).toBe(2);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(1);
  });

  it('restores the remembered replicas when a person scaled a workload while it was down, and records it', async () => {
    const ns = await kube.namespace('drift');
    await kube.deployment(ns, 'web', 4);
    await kube.deployment(ns, 'api', 2);
    await act('stop', ns);
    await kube.scale('deployment', ns, 'web', 1);

    const start = await act('start', ns);
    expect(start.status).toBe('succeeded');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(4);
    expect(await kube.replicas('deployment', ns, 'api')).toBe(2);
    const restore = (await historyOf(h, alice, start)).find((r) => r.executionState.step === 'restore-deployments');
    expect(restore.executionState).toMatchObject({
      status: 'succeeded',
      changed: 2,
      drift: [{ name: 'web', found: 1, restoredTo: 4 }],
    });
  });

  it('fails a workload with a broken annotation by name, and still turns up the rest', async () => {
    const ns = await kube.namespace('broken');
    await kube.deployment(ns, 'web', 2);
    await kube.deployment(ns, 'odd', 0, { annotations: { 'lamplighter.dev/original-replicas': 'many' } });
    await kube.statefulSet(ns, 'db', 1);
    await act('stop', ns);

    const start = await act('start', ns);
    expect(start.status).toBe('failed');
    expect(start.errorMessage).toBe(
      'WorkloadsFailed: 1 workload was not changed: deployment odd (InvalidAnnotation: lamplighter.dev/original-replicas of odd is "many", not a replica count; set it right or remove it)',
    );
    expect(await kube.replicas('deployment', ns, 'web')).toBe(2);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(1);
    const rows = await historyOf(h, alice, start);
    expect(rows.map((r) => [r.state, r.executionState.step, r.executionState.status])).toEqual([
      ['scaling-up', 'restore-statefulsets', 'succeeded'],
      ['scaling-up', 'restore-deployments', 'failed'],
      ['failed', 'resume-cronjobs', 'skipped'],
    ]);
    expect(rows[1].errorMessage).toMatch(/^WorkloadsFailed: 1 workload was not changed: deployment odd/);
  });
});

describe('single workloads', () => {
  it('scales one Deployment or StatefulSet to zero and back, and nothing else in its namespace', async () => {
    const ns = await kube.namespace('single');
    await kube.deployment(ns, 'web', 3);
    await kube.deployment(ns, 'api', 2);
    await kube.statefulSet(ns, 'db', 2);
    const web = k8sResource(`${ns}/web`, 'dev', 'k8s-deployment');
    const db = k8sResource(`${ns}/db`, 'dev', 'k8s-statefulset');

    const stops = [await runK8sAction(h, alice, 'stop', web), await runK8sAction(h, alice, 'stop', db)];
    expect(stops.map((a) => a.status)).toEqual(['succeeded', 'succeeded']);
    expect(await kube.replicas('deployment', ns, 'web')).toBe(0);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(0);
    expect(await kube.replicas('deployment', ns, 'api')).toBe(2);
    expect((await historyOf(h, alice, stops[0])).map((r) => [r.state, r.executionState.step])).toEqual([
      ['stopped', 'scale-down-deployment'],
    ]);

    await runK8sAction(h, alice, 'start', web);
    const start = await runK8sAction(h, alice, 'start', db);
    expect((await historyOf(h, alice, start)).map((r) => [r.state, r.executionState.step])).toEqual([
      ['running', 'restore-statefulset'],
    ]);
    expect(await kube.replicas('deployment', ns, 'web')).toBe(3);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(2);
  });

  it('a missing workload or namespace fails at once with NotFound', async () => {
    const ns = await kube.namespace('empty');
    const missingWorkload = await runK8sAction(h, alice, 'stop', k8sResource(`${ns}/ghost`, 'dev'));
    expect(missingWorkload.status).toBe('failed');
    expect(missingWorkload.errorMessage).toBe('NotFound: deployments.apps "ghost" not found');

    const missingNamespace = await act('stop', 'no-such-namespace');
    expect(missingNamespace.status).toBe('failed');
    expect(missingNamespace.errorMessage).toBe('NotFound: namespaces "no-such-namespace" not found');
  });
});

describe('cluster credentials', () => {
  it('RBAC-denied credentials fail at once with a clear, permanent Forbidden and no retries', async () => {
    const ns = await kube.namespace('denied');
    await kube.deployment(ns, 'web', 2);
    const denied = await act('stop', ns, 'locked');
    expect(denied.status).toBe('failed');
    expect(denied.errorMessage).toBe(
      `Forbidden: namespaces "${ns}" is forbidden: User "nobody" cannot get resource "namespaces" in API group "" in the namespace "${ns}" ` +
        '(grant the ClusterRole in deploy/kubernetes/rbac.yaml (README, "Kubernetes"))',
    );
    expect(await kube.replicas('deployment', ns, 'web')).toBe(2);
    const [row] = await historyOf(h, alice, denied);
    expect(row).toMatchObject({
      state: 'failed',
      errorMessage: denied.errorMessage,
      executionState: { step: 'suspend-cronjobs', status: 'failed' },
    });

    // One attempt of one activity: a permanent error is not retried.
    const history = await h.client.workflow.getHandle(denied.id).fetchHistory();
    const attempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    const phaseStarts = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'suspendCronJobs',
    );
    expect(phaseStarts).toHaveLength(1);
    expect(attempts.every((a) => a === 1)).toBe(true);
  });

  it('the ClusterRole bound in one namespace only (a RoleBinding) is enough there, and only there', async () => {
    const granted = await kube.namespace('granted');
    const other = await kube.namespace('other');
    for (const ns of [granted, other]) await kube.deployment(ns, 'web', 2);
    await kube.bindInNamespace(granted, 'lamplighter', 'nobody');

    expect((await act('stop', granted, 'locked')).status).toBe('succeeded');
    expect(await kube.replicas('deployment', granted, 'web')).toBe(0);
    const denied = await act('stop', other, 'locked');
    expect(denied.errorMessage).toMatch(/^Forbidden: /);
    expect(await kube.replicas('deployment', other, 'web')).toBe(2);
  });
});

describe('bulk actions and dry runs', () => {
  async function bulk(body: Record<string, unknown>) {
    const res = await h.request('POST', '/actions/bulk', { token: alice.token, body });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body.data;
  }

  async function memberActions(bulkId: string) {
    return h.sql<{ id: string; resourceUid: string; status: string; startedAt: Date; completedAt: Date }[]>`
      SELECT id, resource_uid AS "resourceUid", status, started_at AS "startedAt", completed_at AS "completedAt"
      FROM actions WHERE bulk_action_id = ${bulkId}`;
  }

  it('runs a group mixing an EC2 instance and a namespace in different tiers, in tier order', async () => {
    const [vm] = await h.ec2.runInstances();
    const ns = await kube.namespace('bulk');
    await kube.deployment(ns, 'web', 2);
    await kube.statefulSet(ns, 'db', 1);
    await kube.cronJob(ns, 'report');
    const ec2 = ec2Resource(vm!);
    // Tier 0: the database VM; tier 1: the apps' namespace (stopped first, started last).
    const { groupId, resourceIds } = await createGroupOf(h, alice, [[ec2], [k8sResource(ns, 'dev')]]);

    const plan = await bulk({ type: 'stop', groupID: groupId, dryRun: true });
    expect(plan).toMatchObject({ wouldChange: 2, total: 2 });
    expect(plan.tiers.map((t: any) => t.tier)).toEqual([1, 0]);
    expect(plan.tiers[0].resources).toEqual([
      {
        resourceID: resourceIds.get(ns),
        resourceUID: ns,
        resourceType: 'k8s-namespace',
        order: 0,
        currentState: 'running',
        change: 'stop',
        reason: 'would stop 1 cronjob, 1 deployment, 1 statefulset',
      },
    ]);
    expect(plan.tiers[1].resources[0]).toMatchObject({ resourceUID: vm, change: 'stop' });
    expect(await kube.replicas('deployment', ns, 'web')).toBe(2);

    const stop = await bulk({ type: 'stop', groupID: groupId });
    expect(await waitForBulk(h, alice, stop.bulkActionID)).toMatchObject({ status: 'completed', completed: 2 });
    expect(await h.ec2.state(vm!)).toBe('stopped');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(0);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(0);
    const stops = await memberActions(stop.bulkActionID);
    const nsStop = stops.find((a) => a.resourceUid === ns)!;
    const vmStop = stops.find((a) => a.resourceUid === vm)!;
    expect(vmStop.startedAt.getTime()).toBeGreaterThanOrEqual(nsStop.completedAt.getTime());
    const rows = await historyOf(h, alice, { id: nsStop.id, resourceUID: ns });
    expect(rows.map((r) => r.executionState.step)).toEqual([
      'suspend-cronjobs',
      'scale-down-deployments',
      'scale-down-statefulsets',
    ]);
    for (const row of rows) {
      expect(row.changedBy).toBe(`bulk:alice@example.com:${stop.bulkActionID}`);
      expect(row.executionState.bulkActionId).toBe(stop.bulkActionID);
    }

    const wake = await bulk({ type: 'start', groupID: groupId, dryRun: true });
    expect(wake.tiers[1].resources[0]).toMatchObject({
      resourceUID: ns,
      currentState: 'stopped',
      change: 'start',
      reason: 'would start 1 statefulset, 1 deployment, 1 cronjob',
    });

    const start = await bulk({ type: 'start', groupID: groupId });
    expect(await waitForBulk(h, alice, start.bulkActionID)).toMatchObject({ status: 'completed', completed: 2 });
    expect(await h.ec2.state(vm!)).toBe('running');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(2);
    expect(await kube.replicas('statefulset', ns, 'db')).toBe(1);
    expect(await kube.suspended(ns, 'report')).toBe(false);
    const starts = await memberActions(start.bulkActionID);
    const nsStart = starts.find((a) => a.resourceUid === ns)!;
    const vmStart = starts.find((a) => a.resourceUid === vm)!;
    expect(nsStart.startedAt.getTime()).toBeGreaterThanOrEqual(vmStart.completedAt.getTime());
  });

  it('a dry run says what it cannot know: a missing namespace, denied credentials', async () => {
    const ns = await kube.namespace('plan');
    const { groupId } = await createGroupOf(h, alice, [
      [k8sResource('no-such-namespace', 'dev'), k8sResource(ns, 'locked')],
    ]);
    const plan = await bulk({ type: 'stop', groupID: groupId, dryRun: true });
    expect(plan.wouldChange).toBe(0);
    const [missing, denied] = plan.tiers[0].resources.sort((a: any, b: any) => a.order - b.order);
    expect(missing).toMatchObject({
      currentState: null,
      change: 'impossible',
      reason: 'NotFound: namespaces "no-such-namespace" not found',
    });
    expect(denied).toMatchObject({ currentState: null, change: 'unknown' });
    expect(denied.reason).toMatch(/^Forbidden: .*User "nobody" cannot get resource "namespaces"/);
  });
});

describe('schedules', () => {
  it('a nightly entry turns a namespace down and the morning entry restores it, attributed to the schedule', async () => {
    const ns = await kube.namespace('sched');
    await kube.deployment(ns, 'web', 3);
    await kube.statefulSet(ns, 'db', 2);
    const { groupId } = await createGroupOf(h, alice, [[k8sResource(ns, 'dev')]]);
    const s = await createSchedule(h, alice, {
      target: { groupID: groupId },
      entries: [
        { id: 'night', action: 'stop', cron: '0 20 * * 1-5' },
        { id: 'morning', action: 'start', cron: '0 7 * * 1-5' },
      ],
    });
    const trigger = async (cronId: string, runs: number) => {
      const res = await h.request('POST', `/schedules/${s.id}/trigger`, { token: alice.token, body: { cronId } });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const run = (await waitForRuns(h, alice, s.id, runs)).find((r) => r.cronId === cronId);
      expect(await waitForBulk(h, alice, run.bulkActionId)).toMatchObject({ status: 'completed', completed: 1 });
    };

    await trigger('night', 1);
    expect(
      await replicasOf(ns, [
        ['deployment', 'web'],
        ['statefulset', 'db'],
      ]),
    ).toEqual({
      'deployment/web': 0,
      'statefulset/db': 0,
    });
    await trigger('morning', 2);
    expect(
      await replicasOf(ns, [
        ['deployment', 'web'],
        ['statefulset', 'db'],
      ]),
    ).toEqual({
      'deployment/web': 3,
      'statefulset/db': 2,
    });

    const res = await h.request('GET', `/state-history?resource_uid=${ns}&changed_by_type=schedule`, {
      token: alice.token,
    });
    const rows = res.body.data.items as any[];
    expect(new Set(rows.map((r) => r.changedBy))).toEqual(
      new Set([`schedule:${s.name}:night`, `schedule:${s.name}:morning`]),
    );
    expect(rows.every((r) => r.scheduleId === s.id)).toBe(true);
    expect(rows.map((r) => r.state)).toContain('stopped');
    expect(rows.map((r) => r.state)).toContain('running');
  });
});
