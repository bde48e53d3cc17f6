import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActionWorkflowInput } from '../../domain/action';
import { emptyPhaseOutcome, type PhaseOutcome } from '../../domain/k8sWorkloads';
import { FakeActivities, permanent, retryable } from '../support/fakeActivities';
import { runActionWorkflow } from '../support/workflowWorker';

/** The Kubernetes transition's phases inside the action workflow, on a real Temporal server, with scripted activities. */

function input(type: 'start' | 'stop', resourceType = 'k8s-namespace', resourceUID = 'staging'): ActionWorkflowInput {
  return {
    actionId: `act_${randomUUID()}`,
    orgId: 'org_test',
    type,
    resource: {
      resourceUID,
      provider: 'kubernetes',
      resourceType: resourceType as 'k8s-namespace',
      cloudAccountID: 'dev',
      region: 'cluster',
    },
    changedBy: 'manual:alice@example.com',
    reason: 'manual',
  };
}

const run = (fake: FakeActivities, wfInput: ActionWorkflowInput) => runActionWorkflow(fake.activities(), wfInput);

const outcome = (over: Partial<PhaseOutcome> = {}): PhaseOutcome => ({ ...emptyPhaseOutcome(), ...over });

const providerCalls = (fake: FakeActivities) =>
  fake.calls.filter((c) => !['claimResourceTurns', 'recordStateChanges', 'finishActions'].includes(c));

describe('Kubernetes transition', () => {
  it('turns a namespace down apps first, one history row per phase, the last with the final state', async () => {
    const fake = new FakeActivities();
    fake.k8sPhases.scaleDownDeployments = outcome({ changed: 3, unchanged: 1, excluded: 1 });
    const wf = input('stop');
    expect(await run(fake, wf)).toEqual({ status: 'succeeded', state: 'stopped' });
    expect(providerCalls(fake)).toEqual(['suspendCronJobs', 'scaleDownDeployments', 'scaleDownStatefulSets']);
    expect(fake.k8sInputs[0]).toEqual({ cloudAccountID: 'dev', region: 'cluster', namespace: 'staging' });
    expect(fake.rows.map((r) => [r.dedupeKey, r.state, r.executionState])).toEqual([
      [
        `${wf.actionId}:suspend-cronjobs`,
        'scaling-down',
        { step: 'suspend-cronjobs', status: 'succeeded', changed: 1, unchanged: 0, excluded: 0, failed: [] },
      ],
      [
        `${wf.actionId}:scale-down-deployments`,
        'scaling-down',
        { step: 'scale-down-deployments', status: 'succeeded', changed: 3, unchanged: 1, excluded: 1, failed: [] },
      ],
      [
        `${wf.actionId}:scale-down-statefulsets`,
        'stopped',
        { step: 'scale-down-statefulsets', status: 'succeeded', changed: 1, unchanged: 0, excluded: 0, failed: [] },
      ],
    ]);
  });

  it('turns a namespace up data first, and marks phases with nothing to do as skipped', async () => {
    const fake = new FakeActivities();
    fake.k8sPhases.resumeCronJobs = outcome({ unchanged: 2 });
    const result = await run(fake, input('start'));
    expect(result).toEqual({ status: 'succeeded', state: 'running' });
    expect(providerCalls(fake)).toEqual(['restoreStatefulSets', 'restoreDeployments', 'resumeCronJobs']);
    expect(fake.rows.map((r) => [r.state, r.executionState?.status])).toEqual([
      ['scaling-up', 'succeeded'],
      ['scaling-up', 'succeeded'],
      ['running', 'skipped'],
    ]);
  });

  it('a failed workload does not stop later phases, and fails the action at the end naming it', async () => {
    const fake = new FakeActivities();
    fake.k8sPhases.suspendCronJobs = outcome({ changed: 1, failed: [{ name: 'report', message: 'Invalid: bad' }] });
    const result = await run(fake, input('stop'));
    const errorMessage = 'WorkloadsFailed: 1 workload was not changed: cronjob report (Invalid: bad)';
    expect(result).toEqual({ status: 'failed', state: 'failed', errorMessage });
    expect(providerCalls(fake)).toEqual(['suspendCronJobs', 'scaleDownDeployments', 'scaleDownStatefulSets']);
    expect(fake.rows.map((r) => [r.state, r.executionState?.status, r.errorMessage])).toEqual([
      ['scaling-down', 'failed', errorMessage],
      ['scaling-down', 'succeeded', undefined],
      ['failed', 'succeeded', errorMessage],
    ]);
  });

  it('a phase that fails as a whole ends the action at that step, without retries', async () => {
    const fake = new FakeActivities();
    fake.failures.scaleDownDeployments = [permanent('Forbidden', 'deployments.apps is forbidden')];
    const result = await run(fake, input('stop'));
    expect(result).toEqual({
      status: 'failed',
      state: 'failed',
      errorMessage: 'Forbidden: deployments.apps is forbidden',
    });
    expect(providerCalls(fake)).toEqual(['suspendCronJobs', 'scaleDownDeployments']);
    expect(fake.rows.at(-1)).toMatchObject({
      state: 'failed',
      executionState: { step: 'scale-down-deployments', status: 'failed' },
    });
  });

  it('retries a phase after a retryable error, writing its row once', async () => {
    const fake = new FakeActivities();
    fake.failures.restoreDeployments = [retryable('TooManyRequests', 'slow down')];
    const wf = input('start', 'k8s-deployment', 'staging/web');
    expect(await run(fake, wf)).toEqual({ status: 'succeeded', state: 'running' });
    expect(providerCalls(fake)).toEqual(['restoreDeployments', 'restoreDeployments']);
    expect(fake.k8sInputs.at(-1)).toEqual({
      cloudAccountID: 'dev',
      region: 'cluster',
      namespace: 'staging',
      names: ['web'],
    });
    expect(fake.rows.map((r) => [r.dedupeKey, r.state])).toEqual([[`${wf.actionId}:restore-deployment`, 'running']]);
  });
});
