import { ApplicationFailure } from '@temporalio/activity';
import type { ActionType } from '../../domain/action';
import type { plannedChanges } from '../../domain/bulk';
import { phases, type KubernetesResourceType } from '../../domain/k8sPhases';
import { decide, isTurnedDown, parseWorkloadUID } from '../../domain/k8sWorkloads';
import { clusterCall, isExcluded, readWorkloads, type ClusterDeps } from './cluster';
import { workloadApis } from './workloads';

/** A registered namespace or workload, as the inventory holds it. */
export interface KubernetesResource {
  resourceUID: string;
  resourceType: string;
  cloudAccountID: string;
  region: string;
}

export interface ObservedPlan {
  /** `stopped` when Lamplighter's turndown shows on some workload, else `running`. */
  currentState: string | null;
  change: (typeof plannedChanges)[number];
  reason?: string;
}

const plural = (n: number, kind: string) => `${n} ${kind}${n === 1 ? '' : 's'}`;

/**
 * What a start or stop of a namespace or workload would change, from the
 * workloads as they are, by the same rules the phases apply; changes nothing.
 * Errors become the plan's reason rather than failing the whole plan.
 */
export function createKubernetesObserver(deps: ClusterDeps) {
  return async function observeKubernetes(type: ActionType, resource: KubernetesResource): Promise<ObservedPlan> {
    const { namespace, name } = parseWorkloadUID(resource.resourceUID);
    const { cloudAccountID, region } = resource;
    const input = { cloudAccountID, region, namespace, names: name ? [name] : undefined };
    const direction = type === 'stop' ? 'down' : 'up';
    const wouldChange: string[] = [];
    let excluded = 0;
    let invalid = 0;
    let turnedDown = false;
    try {
      const { call, clients } = clusterCall(deps, input);
      for (const phase of phases[resource.resourceType as KubernetesResourceType][type]) {
        const api = workloadApis[phase.kind];
        let changes = 0;
        for (const read of await readWorkloads(call, clients, api, input)) {
          turnedDown ||= isTurnedDown(read.workload);
          const decision = decide(direction, phase.kind, read.workload, isExcluded(read, read.workload));
          if (decision.action === 'patch') changes++;
          else if (decision.action === 'fail') invalid++;
          else if (decision.as === 'excluded') excluded++;
        }
        if (changes > 0) wouldChange.push(plural(changes, phase.kind));
      }
    } catch (error) {
      const failure = error instanceof ApplicationFailure ? error : undefined;
      return {
        currentState: null,
        change: failure?.type === 'NotFound' ? 'impossible' : 'unknown',
        reason: failure?.message ?? String(error),
      };
    }
    const notes = [
      ...(excluded > 0 ? [`${excluded} excluded`] : []),
      ...(invalid > 0 ? [`${plural(invalid, 'workload')} with an invalid annotation`] : []),
    ];
    const summary = wouldChange.length > 0 ? `would ${type} ${wouldChange.join(', ')}` : 'nothing to change';
    return {
      currentState: turnedDown ? 'stopped' : 'running',
      change: wouldChange.length > 0 ? type : 'none',
      reason: [summary, ...notes].join('; '),
    };
  };
}
