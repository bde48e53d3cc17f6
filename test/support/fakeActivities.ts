import { ApplicationFailure } from '@temporalio/activity';
import type { Activities } from '../../activities';
import type { ActionResult } from '../../db/actions';
import type { BulkMember } from '../../db/bulkActions';
import type { HistoryRow } from '../../db/history';
import type { InstanceOutcome } from '../../activities/ec2/instances';
import type { WorkloadsInput } from '../../activities/k8s/cluster';
import type { BulkStatus } from '../../domain/bulk';
import type { PhaseActivity } from '../../domain/k8sPhases';
import { emptyPhaseOutcome, type PhaseOutcome } from '../../domain/k8sWorkloads';
import { ec2Resource } from './ec2Resource';

/**
 * Activities for workflow tests: a provider that behaves as scripted and a
 * projection that only remembers what it was asked to write. Everything the
 * workflow does goes through a real Temporal server.
 */
export class FakeActivities {
  readonly rows: HistoryRow[] = [];
  readonly finished: ActionResult[] = [];
  readonly calls: string[] = [];
  readonly bulkStatuses: BulkStatus[] = [];
  /** Claims refused before the turn is granted. */
  claimsRefused = 0;
  /** State of instances the provider has not seen yet. */
  instanceState = 'running';
  private readonly states = new Map<string, string>();
  /** Instances whose change fails permanently. */
  readonly brokenInstances = new Set<string>();
  /** Errors thrown by the next calls of an activity, in order. */
  readonly failures: Partial<Record<keyof Activities, Error[]>> = {};
  /** Outcomes of Kubernetes phases, by activity; a phase not listed changes one workload. */
  readonly k8sPhases: Partial<Record<PhaseActivity, PhaseOutcome>> = {};
  /** What each Kubernetes phase was asked to act on, in call order. */
  readonly k8sInputs: WorkloadsInput[] = [];
  /** Members of the bulk action under test, by phase and tier. */
  bulkMembers: { forward: Map<number, BulkMember[]>; compensate: Map<number, BulkMember[]> } = {
    forward: new Map(),
    compensate: new Map(),
  };

  private fail(name: keyof Activities): void {
    this.calls.push(name);
    const next = this.failures[name]?.shift();
    if (next) throw next;
  }

  private stateOf(id: string): string {
    return this.states.get(id) ?? this.instanceState;
  }

  activities(): Partial<Activities> {
    const at = '2026-01-01T00:00:00.000Z';
    const change =
      (target: string, transitional: string) =>
      async ({ instanceIds }: { instanceIds: string[] }) => {
        this.fail(target === 'stopped' ? 'stopInstances' : 'startInstances');
        return instanceIds.map((instanceId): InstanceOutcome => {
          if (this.brokenInstances.has(instanceId)) {
            const error = { code: 'IncorrectInstanceState', message: `${instanceId} is terminated`, retryable: false };
            if (instanceIds.length === 1)
              throw ApplicationFailure.create({
                type: error.code,
                message: `${error.code}: ${error.message}`,
                nonRetryable: true,
              });
            return { instanceId, status: 'failed', error, at };
          }
          const previousState = this.stateOf(instanceId);
          if (previousState === target) return { instanceId, status: 'unchanged', state: target, at };
          this.states.set(instanceId, target);
          return { instanceId, status: 'changed', previousState, state: transitional, at };
        });
      };
    const results = (phase: 'forward' | 'compensate') => [...this.bulkMembers[phase].values()].flat();
    const k8sPhase = (name: PhaseActivity) => async (input: WorkloadsInput) => {
      this.fail(name);
      this.k8sInputs.push(input);
      return (
        this.k8sPhases[name] ?? { changed: 1, unchanged: 0, excluded: 0, failed: [], drift: [], conflictsRetried: 0 }
      );
    };
    return {
      suspendCronJobs: k8sPhase('suspendCronJobs'),
      scaleDownDeployments: k8sPhase('scaleDownDeployments'),
      scaleDownStatefulSets: k8sPhase('scaleDownStatefulSets'),
      restoreStatefulSets: k8sPhase('restoreStatefulSets'),
      restoreDeployments: k8sPhase('restoreDeployments'),
      resumeCronJobs: k8sPhase('resumeCronJobs'),
      claimResourceTurns: async ({ actionIds }) => {
        this.calls.push('claimResourceTurns');
        if (this.claimsRefused > 0) {
          this.claimsRefused--;
          return { granted: [], blocked: actionIds.map((actionId) => ({ actionId, blockedBy: 'act_earlier' })) };
        }
        return { granted: actionIds, blocked: [] };
      },
      stopInstances: change('stopped', 'stopping'),
      startInstances: change('running', 'pending'),
      waitForInstanceStates: async ({ instanceIds, state }) => {
        this.fail('waitForInstanceStates');
        return instanceIds.map((instanceId): InstanceOutcome => ({ instanceId, status: 'reached', state, at }));
      },
      recordStateChanges: async ({ rows }) => {
        this.calls.push('recordStateChanges');
        this.rows.push(...rows);
      },
      finishActions: async ({ results }) => {
        this.calls.push('finishActions');
        this.finished.push(...results);
        this.rows.push(...results.flatMap((r) => r.history));
        return { wake: [] };
      },
      setBulkStatus: async ({ status }) => {
        this.bulkStatuses.push(status);
      },
      listBulkTiers: async ({ phase }) => [...this.bulkMembers[phase].keys()],
      loadBulkMembers: async ({ phase, tier, descending, after, limit }) => {
        const sorted = [...(this.bulkMembers[phase].get(tier) ?? [])].sort((a, b) =>
          descending ? b.order - a.order : a.order - b.order,
        );
        const start = after ? sorted.findIndex((m) => m.seq === after.seq) + 1 : 0;
        return sorted.slice(start, start + limit);
      },
      bulkTierFailed: async ({ phase, tier }) => {
        const ids = new Set((this.bulkMembers[phase].get(tier) ?? []).map((m) => m.actionId));
        return this.finished.some((r) => ids.has(r.actionId) && r.status === 'failed');
      },
      skipPendingBulkMembers: async () => {
        this.calls.push('skipPendingBulkMembers');
        const done = new Set(this.finished.map((r) => r.actionId));
        return results('forward').filter((m) => !done.has(m.actionId)).length;
      },
      createCompensations: async () => {
        this.calls.push('createCompensations');
        const succeeded = new Set(this.finished.filter((r) => r.status === 'succeeded').map((r) => r.actionId));
        for (const [tier, members] of this.bulkMembers.forward) {
          const undo = members
            .filter((m) => succeeded.has(m.actionId))
            .map((m) => ({ ...m, actionId: `${m.actionId}-undo` }));
          if (undo.length > 0) this.bulkMembers.compensate.set(tier, undo);
        }
        return results('compensate').length;
      },
    };
  }
}

/** Bulk members for fake activities: `tiers[t]` lists the instance ids of tier t. */
export function bulkMembersOf(tiers: string[][]): Map<number, BulkMember[]> {
  let seq = 0;
  return new Map(
    tiers.map((ids, tier) => [
      tier,
      ids.map((instanceId, order) => ({
        actionId: `act_${instanceId}`,
        order,
        seq: String(++seq),
        resource: ec2Resource(instanceId),
      })),
    ]),
  );
}

export const permanent = (code: string, message: string) =>
  ApplicationFailure.create({ type: code, message: `${code}: ${message}`, nonRetryable: true });
export const retryable = (code: string, message: string) =>
  ApplicationFailure.create({ type: code, message: `${code}: ${message}` });
