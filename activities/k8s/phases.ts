import { Context } from '@temporalio/activity';
import {
  decide,
  emptyPhaseOutcome,
  type Direction,
  type PhaseOutcome,
  type WorkloadKind,
} from '../../domain/k8sWorkloads';
import { toFailure } from '../providerFailure';
import {
  clusterCall,
  isExcluded,
  readWorkloads,
  type ClusterCall,
  type ClusterDeps,
  type ReadWorkload,
  type WorkloadsInput,
} from './cluster';
import { classifyKubeError } from './errors';
import { workloadApis, type WorkloadApi } from './workloads';

/** A workload about to be written, for the test hook. */
export interface WriteTarget {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  attempt: number;
}

export interface PhaseDeps extends ClusterDeps {
  /**
   * Tests only: runs after a workload was read and before it is written, so
   * that a test can change the workload in between and provoke a real 409.
   */
  beforeWrite?(target: WriteTarget): Promise<void>;
}

/** Attempts per workload when the API server keeps answering 409 Conflict. */
const conflictAttempts = 5;

/**
 * Turns each workload of one kind down or up: read first, act only if the
 * rules say so, write the change and the remembered value in one patch that
 * carries the resourceVersion it was decided on. A 409 Conflict means someone
 * changed the workload since: read it again and decide again, never
 * overwrite. So a retry after a crash finds the workloads already done and
 * leaves them alone.
 */
export function createPhaseActivities(deps: PhaseDeps) {
  async function settle(
    call: ClusterCall,
    api: WorkloadApi,
    direction: Direction,
    namespace: string,
    read: ReadWorkload,
    outcome: PhaseOutcome,
  ): Promise<void> {
    let workload = read.workload;
    for (let attempt = 1; ; attempt++) {
      const decision = decide(direction, api.kind, workload, isExcluded(read, workload));
      if (decision.action === 'leave') {
        outcome[decision.as]++;
        return;
      }
      if (decision.action === 'fail') {
        outcome.failed.push({ name: workload.name, message: `${decision.code}: ${decision.message}` });
        return;
      }
      await deps.beforeWrite?.({ kind: api.kind, namespace, name: workload.name, attempt });
      try {
        await call((c) => api.patch(c, namespace, workload.name, decision.patch, workload.resourceVersion));
        outcome.changed++;
        if (decision.drift) outcome.drift.push(decision.drift);
        return;
      } catch (error) {
        const failure = classifyKubeError(error);
        // Deleted since it was read: nothing left to turn down or up.
        if (failure.status === 404) {
          outcome.unchanged++;
          return;
        }
        if (failure.status === 409) {
          if (attempt === conflictAttempts) {
            const message = `Conflict: changed by someone else ${attempt} times in a row; not overwritten`;
            outcome.failed.push({ name: workload.name, message });
            return;
          }
          outcome.conflictsRetried++;
          const fresh = await reread(call, api, namespace, workload.name);
          if (!fresh) {
            outcome.unchanged++;
            return;
          }
          workload = fresh;
          continue;
        }
        // This workload's change is refused as invalid: the others still go ahead.
        if (failure.status === 400 || failure.status === 422) {
          outcome.failed.push({ name: workload.name, message: `${failure.code}: ${failure.message}` });
          return;
        }
        // Denied, throttled, unreachable: the phase fails, and retries if that can help.
        throw toFailure(failure);
      }
    }
  }

  /** The workload as it is now, or undefined if it is gone. */
  async function reread(call: ClusterCall, api: WorkloadApi, namespace: string, name: string) {
    try {
      return await call((c) => api.read(c, namespace, name));
    } catch (error) {
      const failure = classifyKubeError(error);
      if (failure.status === 404) return undefined;
      throw toFailure(failure);
    }
  }

  async function runPhase(kind: WorkloadKind, direction: Direction, input: WorkloadsInput): Promise<PhaseOutcome> {
    const api = workloadApis[kind];
    const { call, clients } = clusterCall(deps, input);
    const workloads = await readWorkloads(call, clients, api, input);
    const outcome = emptyPhaseOutcome();
    for (const [done, read] of workloads.entries()) {
      // Between workloads: a lost worker is noticed within the heartbeat
      // timeout, and the retry skips what this attempt already did.
      Context.current().heartbeat({ kind, done, of: workloads.length });
      await settle(call, api, direction, input.namespace, read, outcome);
    }
    return outcome;
  }

  return {
    suspendCronJobs: (input: WorkloadsInput) => runPhase('cronjob', 'down', input),
    scaleDownDeployments: (input: WorkloadsInput) => runPhase('deployment', 'down', input),
    scaleDownStatefulSets: (input: WorkloadsInput) => runPhase('statefulset', 'down', input),
    restoreStatefulSets: (input: WorkloadsInput) => runPhase('statefulset', 'up', input),
    restoreDeployments: (input: WorkloadsInput) => runPhase('deployment', 'up', input),
    resumeCronJobs: (input: WorkloadsInput) => runPhase('cronjob', 'up', input),
  };
}
