import type { ActionType } from './action';
import type { WorkloadKind } from './k8sWorkloads';
import type { resourceTypesByProvider } from './resource';

/** The activity that runs one phase on the workloads of one kind. */
export type PhaseActivity =
  | 'suspendCronJobs'
  | 'scaleDownDeployments'
  | 'scaleDownStatefulSets'
  | 'restoreStatefulSets'
  | 'restoreDeployments'
  | 'resumeCronJobs';

export interface Phase {
  /** The history row's `executionState.step`. */
  step: string;
  activity: PhaseActivity;
  kind: WorkloadKind;
}

export type KubernetesResourceType = (typeof resourceTypesByProvider)['kubernetes'][number];

/**
 * The phases of each action, in order. A namespace goes to sleep apps first
 * (cron jobs stop starting new work, then deployments, then the stateful
 * sets they use) and wakes up data first, the mirror order.
 * (No zod here: workflow code imports this file.)
 */
export const phases: Record<KubernetesResourceType, Record<ActionType, Phase[]>> = {
  'k8s-namespace': {
    stop: [
      { step: 'suspend-cronjobs', activity: 'suspendCronJobs', kind: 'cronjob' },
      { step: 'scale-down-deployments', activity: 'scaleDownDeployments', kind: 'deployment' },
      { step: 'scale-down-statefulsets', activity: 'scaleDownStatefulSets', kind: 'statefulset' },
    ],
    start: [
      { step: 'restore-statefulsets', activity: 'restoreStatefulSets', kind: 'statefulset' },
      { step: 'restore-deployments', activity: 'restoreDeployments', kind: 'deployment' },
      { step: 'resume-cronjobs', activity: 'resumeCronJobs', kind: 'cronjob' },
    ],
  },
  'k8s-deployment': {
    stop: [{ step: 'scale-down-deployment', activity: 'scaleDownDeployments', kind: 'deployment' }],
    start: [{ step: 'restore-deployment', activity: 'restoreDeployments', kind: 'deployment' }],
  },
  'k8s-statefulset': {
    stop: [{ step: 'scale-down-statefulset', activity: 'scaleDownStatefulSets', kind: 'statefulset' }],
    start: [{ step: 'restore-statefulset', activity: 'restoreStatefulSets', kind: 'statefulset' }],
  },
};

/** The state a resource is in while its phases run, and once they are done. */
export const k8sStates = {
  stop: { during: 'scaling-down', target: 'stopped' },
  start: { during: 'scaling-up', target: 'running' },
} as const satisfies Record<ActionType, { during: string; target: string }>;
