import {
  DescribeInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type EC2Client,
  type InstanceStateChange,
} from '@aws-sdk/client-ec2';
import { Context } from '@temporalio/activity';
import type { ActionType } from '../../domain/action';
import type { RateLimiter } from '../rateLimiter';
import type { Ec2ClientFor, Ec2Location } from './clients';
import { toFailure } from '../providerFailure';
import { classifyEc2Error, type ProviderError } from './errors';
import { decide, hasFailedToReach, type TargetState } from '../../domain/ec2InstanceStates';

export interface InstancesInput extends Ec2Location {
  instanceIds: string[];
}

export interface ChangeInput extends InstancesInput {
  /** The step and each instance's action, for the provider call journal. */
  journal?: { step: string; actionIds: Record<string, string> };
}

/** Where a changing call is noted before it is made (db/providerCalls.ts). */
export interface CallJournal {
  record(step: string, entries: { actionId: string; previousState: string }[]): Promise<void>;
  lookup(step: string, actionIds: string[]): Promise<Map<string, string>>;
}

export interface WaitInput extends InstancesInput {
  state: TargetState;
}

export type OutcomeError = Pick<ProviderError, 'code' | 'message' | 'retryable'>;

/** What happened to one instance; `at` is when the provider reported it. */
export type InstanceOutcome =
  | { instanceId: string; status: 'changed'; previousState: string; state: string; at: string }
  | { instanceId: string; status: 'unchanged' | 'reached'; state: string; at: string }
  | { instanceId: string; status: 'failed'; state?: string; error: OutcomeError; at: string };

export interface ObservedInstance {
  state: string;
  reasonCode?: string;
  reasonMessage?: string;
}

// DescribeInstances accepts at most 200 values per filter.
const describeChunk = 200;

const now = () => new Date().toISOString();

function notFound(instanceId: string): OutcomeError {
  return {
    code: 'InvalidInstanceID.NotFound',
    message: `The instance ID '${instanceId}' does not exist`,
    retryable: false,
  };
}

/** A one-instance call reports its failure by throwing, so Temporal's retry policy applies to it. */
function throwIfSingleFailed(outcomes: InstanceOutcome[]): InstanceOutcome[] {
  const [only] = outcomes;
  if (outcomes.length === 1 && only?.status === 'failed') {
    throw toFailure(only.error);
  }
  return outcomes;
}

export function createInstanceActivities(deps: {
  ec2For: Ec2ClientFor;
  limiter: RateLimiter;
  journal: CallJournal;
  pollIntervalMs: number;
}) {
  /** Sends one EC2 request once the rate limit of its account and region allows it. */
  async function send<T>(location: Ec2Location, request: (ec2: EC2Client) => Promise<T>): Promise<T> {
    await deps.limiter.acquire('aws', location.cloudAccountID, location.region);
    return request(deps.ec2For(location));
  }

  /**
   * Filtering by instance id (rather than passing InstanceIds) answers with
   * the instances that exist instead of failing the whole call for one that
   * does not.
   */
  async function describeInstances(location: Ec2Location, ids: string[]): Promise<Map<string, ObservedInstance>> {
    const observed = new Map<string, ObservedInstance>();
    for (let i = 0; i < ids.length; i += describeChunk) {
      const Filters = [{ Name: 'instance-id', Values: ids.slice(i, i + describeChunk) }];
      let NextToken: string | undefined;
      do {
        const page = await send(location, (ec2) => ec2.send(new DescribeInstancesCommand({ Filters, NextToken })));
        for (const instance of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
          if (!instance.InstanceId) continue;
          observed.set(instance.InstanceId, {
            state: instance.State?.Name ?? 'unknown',
            reasonCode: instance.StateReason?.Code,
            reasonMessage: instance.StateReason?.Message,
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
    }
    return observed;
  }

  async function call(location: Ec2Location, action: ActionType, ids: string[]): Promise<InstanceStateChange[]> {
    if (action === 'stop') {
      const response = await send(location, (ec2) => ec2.send(new StopInstancesCommand({ InstanceIds: ids })));
      return response.StoppingInstances ?? [];
    }
    const response = await send(location, (ec2) => ec2.send(new StartInstancesCommand({ InstanceIds: ids })));
    return response.StartingInstances ?? [];
  }

  function toOutcome(change: InstanceStateChange): InstanceOutcome {
    return {
      instanceId: change.InstanceId!,
      status: 'changed',
      previousState: change.PreviousState?.Name ?? 'unknown',
      state: change.CurrentState?.Name ?? 'unknown',
      at: now(),
    };
  }

  async function changeInBatchOrOneByOne(
    location: Ec2Location,
    action: ActionType,
    ids: string[],
  ): Promise<InstanceOutcome[]> {
    if (ids.length === 0) return [];
    try {
      return (await call(location, action, ids)).map(toOutcome);
    } catch (error) {
      const failure = classifyEc2Error(error);
      if (failure.callLevel) throw toFailure(failure);
      if (ids.length === 1) return [{ instanceId: ids[0]!, status: 'failed', error: failure, at: now() }];
    }
    // The batch failed because of some instance in it: isolate which.
    const outcomes: InstanceOutcome[] = [];
    for (const id of ids) outcomes.push(...(await changeInBatchOrOneByOne(location, action, [id])));
    return outcomes;
  }

  /**
   * Reads every instance first and calls EC2 only for those not already in
   * (or on the way to) the wanted state, so a retry after success is a no-op.
   * The call is journaled first: if the worker dies after EC2 acted but
   * before the result was recorded, the retry still reports the change as
   * this action's (history stays exact). In a batch, one instance's error is
   * that instance's outcome; errors that concern the whole call (throttling,
   * credentials) fail the activity.
   */
  async function changeInstances(action: ActionType, input: ChangeInput): Promise<InstanceOutcome[]> {
    let observed: Map<string, ObservedInstance>;
    try {
      observed = await describeInstances(input, input.instanceIds);
    } catch (error) {
      throw toFailure(classifyEc2Error(error));
    }
    const { journal } = input;
    const actionOf = (instanceId: string) => journal?.actionIds[instanceId];
    const journaled = journal
      ? await deps.journal.lookup(journal.step, Object.values(journal.actionIds))
      : new Map<string, string>();
    const outcomes = new Map<string, InstanceOutcome>();
    const toChange: string[] = [];
    for (const instanceId of input.instanceIds) {
      const current = observed.get(instanceId);
      if (!current) {
        outcomes.set(instanceId, { instanceId, status: 'failed', error: notFound(instanceId), at: now() });
        continue;
      }
      const decision = decide(action, current.state);
      const previousState = journaled.get(actionOf(instanceId) ?? '');
      if (decision === 'done' && previousState) {
        outcomes.set(instanceId, { instanceId, status: 'changed', previousState, state: current.state, at: now() });
      } else if (decision === 'done') {
        outcomes.set(instanceId, { instanceId, status: 'unchanged', state: current.state, at: now() });
      } else if (decision === 'act') {
        toChange.push(instanceId);
      } else {
        const message =
          decision === 'settle'
            ? `The instance '${instanceId}' is ${current.state}; it must settle before it can ${action}`
            : `The instance '${instanceId}' is ${current.state} and cannot ${action}`;
        const error = { code: 'IncorrectInstanceState', message, retryable: decision === 'settle' };
        outcomes.set(instanceId, { instanceId, status: 'failed', state: current.state, error, at: now() });
      }
    }
    if (journal) {
      await deps.journal.record(
        journal.step,
        toChange.map((id) => ({ actionId: actionOf(id)!, previousState: observed.get(id)!.state })),
      );
    }
    for (const change of await changeInBatchOrOneByOne(input, action, toChange)) {
      outcomes.set(change.instanceId, change);
    }
    return throwIfSingleFailed(input.instanceIds.map((id) => outcomes.get(id)!));
  }

  /**
   * Polls until every instance is in `state` or cannot get there, heartbeating
   * so that a lost worker is noticed within the heartbeat timeout.
   */
  async function waitForInstanceStates(input: WaitInput): Promise<InstanceOutcome[]> {
    const outcomes = new Map<string, InstanceOutcome>();
    for (;;) {
      const pending = input.instanceIds.filter((id) => !outcomes.has(id));
      let observed: Map<string, ObservedInstance> | undefined;
      try {
        observed = await describeInstances(input, pending);
      } catch (error) {
        const failure = classifyEc2Error(error);
        if (!failure.retryable) throw toFailure(failure);
      }
      for (const id of observed ? pending : []) {
        const current = observed!.get(id);
        if (!current) {
          outcomes.set(id, { instanceId: id, status: 'failed', error: notFound(id), at: now() });
        } else if (current.state === input.state) {
          outcomes.set(id, { instanceId: id, status: 'reached', state: current.state, at: now() });
        } else if (hasFailedToReach(input.state, current.state, current.reasonCode)) {
          const error = {
            code: current.reasonCode ?? 'IncorrectInstanceState',
            message: current.reasonMessage ?? `The instance '${id}' is ${current.state}`,
            retryable: false,
          };
          outcomes.set(id, { instanceId: id, status: 'failed', state: current.state, error, at: now() });
        }
      }
      if (outcomes.size === input.instanceIds.length) break;
      Context.current().heartbeat({ waitingFor: input.instanceIds.length - outcomes.size });
      await Context.current().sleep(deps.pollIntervalMs);
    }
    return throwIfSingleFailed(input.instanceIds.map((id) => outcomes.get(id)!));
  }

  /** Current states, for plans (dry runs); never changes anything. */
  async function observeInstances(input: InstancesInput): Promise<Record<string, ObservedInstance | null>> {
    try {
      const observed = await describeInstances(input, input.instanceIds);
      return Object.fromEntries(input.instanceIds.map((id) => [id, observed.get(id) ?? null]));
    } catch (error) {
      throw toFailure(classifyEc2Error(error));
    }
  }

  return {
    startInstances: (input: ChangeInput) => changeInstances('start', input),
    stopInstances: (input: ChangeInput) => changeInstances('stop', input),
    waitForInstanceStates,
    observeInstances,
  };
}
