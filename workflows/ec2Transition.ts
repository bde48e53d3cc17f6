import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionType } from '../domain/action';
import type { ResourceRef } from '../domain/resource';
import type { StateChange, StepRunner } from './stateChange';

const { startInstances, stopInstances } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  // Throttling and capacity errors retry with backoff; a permanent error
  // (not found, unauthorized, terminated) is non-retryable and fails at once.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const { waitForInstanceStates } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const steps = {
  start: { change: 'start-instance', wait: 'wait-running', target: 'running' },
  stop: { change: 'stop-instance', wait: 'wait-stopped', target: 'stopped' },
} as const;

/**
 * Start or stop one EC2 instance: ask for the change (a no-op when it is
 * already done), then wait until EC2 reports the target state.
 */
export async function runEc2Transition(
  action: ActionType,
  resource: ResourceRef,
  runner: StepRunner,
): Promise<StateChange> {
  const { change, wait, target } = steps[action];
  const input = {
    cloudAccountID: resource.cloudAccountID,
    region: resource.region,
    instanceIds: [resource.resourceUID],
  };
  const [changed] = await runner.run(change, () => (action === 'stop' ? stopInstances(input) : startInstances(input)));
  if (changed?.status === 'changed') {
    await runner.record({
      state: changed.state,
      at: changed.at,
      execution: { step: change, status: 'succeeded', previousState: changed.previousState },
    });
  } else if (changed?.status === 'unchanged' && changed.state === target) {
    return {
      state: target,
      at: changed.at,
      execution: { step: change, status: 'skipped', reason: `already ${target}` },
    };
  }
  const [reached] = await runner.run(wait, () => waitForInstanceStates({ ...input, state: target }));
  return { state: target, at: reached!.at, execution: { step: wait, status: 'succeeded' } };
}
