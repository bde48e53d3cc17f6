import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionWorkflowInput } from '../../domain/action';
import { FakeActivities, permanent, retryable } from '../support/fakeActivities';
import { runActionWorkflow, startWorkflowWorker } from '../support/workflowWorker';
import { ec2Resource } from '../support/ec2Resource';

/** The action workflow's state machine against a real Temporal server, with scripted activities. */

let stopWorker: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stopWorker?.();
  stopWorker = undefined;
});

function input(type: 'start' | 'stop'): ActionWorkflowInput {
  return {
    actionId: `act_${randomUUID()}`,
    orgId: 'org_test',
    type,
    resource: ec2Resource('i-0abc123def4567890'),
    changedBy: 'manual:alice@example.com',
    reason: 'manual',
  };
}

async function run(fake: FakeActivities, wfInput: ActionWorkflowInput) {
  return { result: await runActionWorkflow(fake.activities(), wfInput) };
}

describe('actionWorkflow', () => {
  it('stops: records the transitional state, then the target state with the finish', async () => {
    const fake = new FakeActivities();
    const wf = input('stop');
    const { result } = await run(fake, wf);
    expect(result).toEqual({ status: 'succeeded', state: 'stopped' });
    expect(fake.calls).toEqual([
      'claimResourceTurns',
      'stopInstances',
      'recordStateChanges',
      'waitForInstanceStates',
      'finishActions',
    ]);
    expect(fake.rows.map((r) => [r.dedupeKey, r.state, r.executionState])).toEqual([
      [
        `${wf.actionId}:stop-instance`,
        'stopping',
        { step: 'stop-instance', status: 'succeeded', previousState: 'running' },
      ],
      [`${wf.actionId}:wait-stopped`, 'stopped', { step: 'wait-stopped', status: 'succeeded' }],
    ]);
    expect(fake.finished).toEqual([expect.objectContaining({ actionId: wf.actionId, status: 'succeeded' })]);
    for (const row of fake.rows)
      expect(row).toMatchObject({ changedBy: 'manual:alice@example.com', changedByType: 'manual' });
  });

  it('skips the wait when the instance is already in the target state', async () => {
    const fake = new FakeActivities();
    fake.instanceState = 'stopped';
    const { result } = await run(fake, input('stop'));
    expect(result).toEqual({ status: 'succeeded', state: 'stopped' });
    expect(fake.calls).not.toContain('waitForInstanceStates');
    expect(fake.rows.map((r) => r.executionState)).toEqual([
      { step: 'stop-instance', status: 'skipped', reason: 'already stopped' },
    ]);
  });

  it('fails at once on a permanent provider error, with its message', async () => {
    const fake = new FakeActivities();
    fake.failures.startInstances = [
      permanent('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
    ];
    fake.instanceState = 'stopped';
    const { result } = await run(fake, input('start'));
    expect(result).toEqual({
      status: 'failed',
      state: 'failed',
      errorMessage: 'UnauthorizedOperation: You are not authorized to perform this operation.',
    });
    expect(fake.calls.filter((c) => c === 'startInstances')).toHaveLength(1);
    expect(fake.finished[0]).toMatchObject({ status: 'failed', errorMessage: result.errorMessage });
    expect(fake.rows).toEqual([
      expect.objectContaining({ state: 'failed', executionState: { step: 'start-instance', status: 'failed' } }),
    ]);
  });

  it('retries a retryable provider error under the retry policy', async () => {
    const fake = new FakeActivities();
    fake.instanceState = 'stopped';
    fake.failures.startInstances = [retryable('InsufficientInstanceCapacity', 'no capacity')];
    const { result } = await run(fake, input('start'));
    expect(result.status).toBe('succeeded');
    expect(fake.calls.filter((c) => c === 'startInstances')).toHaveLength(2);
    expect(fake.rows.map((r) => r.state)).toEqual(['pending', 'running']);
  });

  it('attributes a failure to the step that failed, keeping the rows before it', async () => {
    const fake = new FakeActivities();
    fake.failures.waitForInstanceStates = [permanent('Server.InternalError', 'Internal error on launch')];
    const { result } = await run(fake, input('stop'));
    expect(result.status).toBe('failed');
    expect(fake.rows.map((r) => [r.state, r.executionState?.step, r.executionState?.status])).toEqual([
      ['stopping', 'stop-instance', 'succeeded'],
      ['failed', 'wait-stopped', 'failed'],
    ]);
    expect(fake.rows[1]!.errorMessage).toBe('Server.InternalError: Internal error on launch');
  });

  it('waits pending while an earlier action holds the resource, and is woken by a signal', async () => {
    const fake = new FakeActivities();
    fake.claimsRefused = 1_000;
    const worker = await startWorkflowWorker(fake.activities());
    stopWorker = worker.stop;
    const wf = input('stop');
    const handle = await worker.client.workflow.start('actionWorkflow', {
      workflowId: wf.actionId,
      taskQueue: worker.taskQueue,
      args: [wf],
    });
    let progress: any;
    for (let i = 0; i < 100; i++) {
      progress = await handle.query('actionProgress');
      if (progress.waitingFor) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(progress).toEqual({ status: 'pending', waitingFor: 'act_earlier', steps: [] });
    expect(fake.calls).not.toContain('stopInstances');

    fake.claimsRefused = 0;
    await handle.signal('resourceFreed');
    expect((await handle.result()).status).toBe('succeeded');
    // The signal ended the wait: its timer was cancelled, not fired.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.some((e) => e.timerCanceledEventAttributes)).toBe(true);
  });
});
