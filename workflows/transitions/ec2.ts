import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { InstanceOutcome } from '../../activities/ec2/instances';
import { describeFailure, failureMessage } from '../failures';
import { failedChange, type RecordedChange, type StateChange, type Transition } from '../stateChange';

const { startInstances, stopInstances } = proxyActivities<Activities>({
  // Includes waiting for the rate limit of the account and region.
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  // Throttling and capacity errors retry with backoff; a permanent error
  // (not found, unauthorized, terminated) is non-retryable and fails at once.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const { waitForInstanceStates } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
});

const steps = {
  start: { change: 'start-instance', wait: 'wait-running', target: 'running' },
  stop: { change: 'stop-instance', wait: 'wait-stopped', target: 'stopped' },
} as const;

/**
 * Start or stop EC2 instances of one account and region: one call asks for
 * the change (a no-op for instances already there), one waits until EC2
 * reports the target state. In a batch, an instance whose error is worth
 * retrying (capacity, still settling) is retried alone under the retry policy.
 */
export const transitionEc2: Transition = async (type, members, hooks) => {
  const { change, wait, target } = steps[type];
  const { cloudAccountID, region } = members[0]!.resource;
  const location = { cloudAccountID, region };
  const memberOf = new Map(members.map((m) => [m.resource.resourceUID, m]));
  const finals = new Map<string, StateChange>();
  const now = () => new Date().toISOString();
  const changeCall = (instanceIds: string[]) => {
    const actionIds = Object.fromEntries(instanceIds.map((id) => [id, memberOf.get(id)!.actionId]));
    const input = { ...location, instanceIds, journal: { step: change, actionIds } };
    return type === 'stop' ? stopInstances(input) : startInstances(input);
  };

  hooks.step?.(change, 'running');
  let outcomes: InstanceOutcome[];
  try {
    outcomes = await changeCall([...memberOf.keys()]);
  } catch (error) {
    for (const m of members) finals.set(m.actionId, failedChange(change, failureMessage(error), now()));
    hooks.step?.(change, 'failed');
    return finals;
  }
  if (members.length > 1) outcomes = await Promise.all(outcomes.map((o) => retryAlone(o)));

  const recorded: RecordedChange[] = [];
  const toWait: string[] = [];
  for (const o of outcomes) {
    const member = memberOf.get(o.instanceId)!;
    if (o.status === 'failed') {
      finals.set(member.actionId, failedChange(change, `${o.error.code}: ${o.error.message}`, o.at));
    } else if (o.status === 'changed') {
      const execution = { step: change, status: 'succeeded' as const, previousState: o.previousState };
      recorded.push({ member, change: { state: o.state, at: o.at, execution } });
      toWait.push(o.instanceId);
    } else if (o.state === target) {
      const execution = { step: change, status: 'skipped' as const, reason: `already ${target}` };
      finals.set(member.actionId, { state: target, at: o.at, execution });
    } else {
      toWait.push(o.instanceId);
    }
  }
  if (recorded.length > 0) await hooks.record(recorded);
  hooks.step?.(change, 'succeeded');
  if (toWait.length === 0) return finals;

  hooks.step?.(wait, 'running');
  try {
    for (const o of await waitForInstanceStates({ ...location, instanceIds: toWait, state: target })) {
      const member = memberOf.get(o.instanceId)!;
      finals.set(
        member.actionId,
        o.status === 'failed'
          ? failedChange(wait, `${o.error.code}: ${o.error.message}`, o.at)
          : { state: target, at: o.at, execution: { step: wait, status: 'succeeded' } },
      );
    }
    hooks.step?.(wait, 'succeeded');
  } catch (error) {
    for (const id of toWait) finals.set(memberOf.get(id)!.actionId, failedChange(wait, failureMessage(error), now()));
    hooks.step?.(wait, 'failed');
  }
  return finals;

  async function retryAlone(outcome: InstanceOutcome): Promise<InstanceOutcome> {
    if (outcome.status !== 'failed' || !outcome.error.retryable) return outcome;
    try {
      const [again] = await changeCall([outcome.instanceId]);
      return again!;
    } catch (error) {
      return { ...outcome, error: { ...describeFailure(error), retryable: false } };
    }
  }
};
