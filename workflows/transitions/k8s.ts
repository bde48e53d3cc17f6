import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ActionType } from '../../domain/action';
import type { ExecutionState } from '../../domain/history';
import { k8sStates, phases, type KubernetesResourceType, type Phase } from '../../domain/k8sPhases';
import { parseWorkloadUID, type PhaseOutcome } from '../../domain/k8sWorkloads';
import { failureMessage } from '../failures';
import { failedChange, type Member, type StateChange, type Transition, type TransitionHooks } from '../stateChange';

const phaseActivities = proxyActivities<Activities>({
  // Includes waiting for the cluster's rate limit between workloads.
  startToCloseTimeout: '10 minutes',
  // Heartbeats come between workloads: a lost worker's phase is retried
  // elsewhere within seconds, and the retry skips the workloads already done.
  heartbeatTimeout: '10 seconds',
  // Throttling, conflicts and unreachable servers retry with backoff; a
  // permanent error (forbidden, not found) is non-retryable and fails at once.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const now = () => new Date().toISOString();

function executionOf(step: string, outcome: PhaseOutcome): ExecutionState {
  const status = outcome.failed.length > 0 ? 'failed' : outcome.changed > 0 ? 'succeeded' : 'skipped';
  return {
    step,
    status,
    changed: outcome.changed,
    unchanged: outcome.unchanged,
    excluded: outcome.excluded,
    failed: outcome.failed,
    ...(outcome.drift.length > 0 ? { drift: outcome.drift } : {}),
    ...(outcome.conflictsRetried > 0 ? { conflictsRetried: outcome.conflictsRetried } : {}),
  };
}

const workloadsFailed = (failures: string[]) =>
  `WorkloadsFailed: ${failures.length} workload${failures.length === 1 ? ' was' : 's were'} not changed: ${failures.join('; ')}`;

/**
 * Runs the phases of one namespace or workload in order, one history row
 * each; the last phase's row carries the final state. A workload that fails
 * does not stop the others or the later phases, but fails the action at the
 * end, naming it. A phase that fails as a whole (denied, namespace gone,
 * retries exhausted) ends the action there.
 */
async function turn(type: ActionType, member: Member, hooks: TransitionHooks): Promise<StateChange> {
  const { cloudAccountID, region, resourceUID, resourceType } = member.resource;
  const { namespace, name } = parseWorkloadUID(resourceUID);
  const input = { cloudAccountID, region, namespace, ...(name ? { names: [name] } : {}) };
  const steps = phases[resourceType as KubernetesResourceType][type];
  const { during, target } = k8sStates[type];
  const failures: string[] = [];

  /** A phase's row, or the action's failed final change if the phase failed as a whole. */
  async function run(phase: Phase): Promise<{ execution: ExecutionState; errorMessage?: string } | StateChange> {
    hooks.step?.(phase.step, 'running');
    let outcome: PhaseOutcome;
    try {
      outcome = await phaseActivities[phase.activity](input);
    } catch (error) {
      hooks.step?.(phase.step, 'failed');
      return failedChange(phase.step, failureMessage(error), now());
    }
    const execution = executionOf(phase.step, outcome);
    hooks.step?.(phase.step, execution.status);
    const phaseFailures = outcome.failed.map((f) => `${phase.kind} ${f.name} (${f.message})`);
    failures.push(...phaseFailures);
    return phaseFailures.length > 0 ? { execution, errorMessage: workloadsFailed(phaseFailures) } : { execution };
  }

  for (const phase of steps.slice(0, -1)) {
    const result = await run(phase);
    if ('state' in result) return result;
    await hooks.record([{ member, change: { state: during, at: now(), ...result } }]);
  }
  const result = await run(steps.at(-1)!);
  if ('state' in result) return result;
  return failures.length > 0
    ? { state: 'failed', at: now(), execution: result.execution, errorMessage: workloadsFailed(failures) }
    : { state: target, at: now(), execution: result.execution };
}

/** Turndown (stop) and turn-up (start) of Kubernetes namespaces, Deployments and StatefulSets. */
export const transitionKubernetes: Transition = async (type, members, hooks) => {
  const finals = new Map<string, StateChange>();
  for (const member of members) finals.set(member.actionId, await turn(type, member, hooks));
  return finals;
};
