/**
 * What turndown and turn-up do to one Kubernetes workload, decided from what
 * the API server shows. Pure: the activities apply the decisions, the dry run
 * counts them. (No zod here: workflow code imports this file.)
 */

export const annotations = {
  /** Replicas of a Deployment or StatefulSet before turndown; written in the update that scales it to zero. */
  originalReplicas: 'lamplighter.dev/original-replicas',
  /** Whether a CronJob was suspended before turndown, so turn-up restores exactly that. */
  originalSuspend: 'lamplighter.dev/original-suspend',
  /** `"true"` on a workload: Lamplighter never turns it down. */
  exclude: 'lamplighter.dev/exclude',
} as const;

export type WorkloadKind = 'deployment' | 'statefulset' | 'cronjob';
export type Direction = 'down' | 'up';

/** The part of a workload the rules look at. */
export interface WorkloadView {
  name: string;
  resourceVersion: string;
  annotations: Record<string, string>;
  /** Deployments and StatefulSets. */
  replicas?: number;
  /** CronJobs. */
  suspend?: boolean;
}

/** A JSON merge patch of a workload (null removes an annotation). */
export interface WorkloadPatch {
  metadata: { annotations: Record<string, string | null> };
  spec: { replicas?: number; suspend?: boolean };
}

/** A person changed the replicas of a workload while it was turned down. */
export interface Drift {
  name: string;
  found: number;
  restoredTo: number;
}

export type Decision =
  | { action: 'leave'; as: 'unchanged' | 'excluded' }
  | { action: 'patch'; patch: WorkloadPatch; drift?: Drift }
  | { action: 'fail'; code: string; message: string };

/** What one phase did to the workloads of one kind. */
export interface PhaseOutcome {
  changed: number;
  unchanged: number;
  excluded: number;
  failed: { name: string; message: string }[];
  drift: Drift[];
  /** Writes refused with 409 Conflict and retried after a fresh read. */
  conflictsRetried: number;
}

export const emptyPhaseOutcome = (): PhaseOutcome => ({
  changed: 0,
  unchanged: 0,
  excluded: 0,
  failed: [],
  drift: [],
  conflictsRetried: 0,
});

const leave = (as: 'unchanged' | 'excluded'): Decision => ({ action: 'leave', as });

/** The API server defaults replicas to 1 when a spec leaves it out. */
const replicasOf = (w: WorkloadView) => w.replicas ?? 1;

export function isExcludedByAnnotation(w: WorkloadView): boolean {
  return w.annotations[annotations.exclude] === 'true';
}

/**
 * Turndown: scale to zero (or suspend) and remember the original value in
 * the same write. A workload already carrying the annotation keeps its first
 * remembered value: a second turndown only scales back to zero what a person
 * scaled up meanwhile. A workload already at zero (or suspended) is left as
 * it is and not annotated, so turn-up leaves it at zero too.
 */
function turndown(kind: WorkloadKind, w: WorkloadView, excluded: boolean): Decision {
  if (excluded) return leave('excluded');
  if (kind === 'cronjob') {
    if (w.suspend) return leave('unchanged');
    const remembered = annotations.originalSuspend in w.annotations;
    return {
      action: 'patch',
      patch: {
        metadata: { annotations: remembered ? {} : { [annotations.originalSuspend]: 'false' } },
        spec: { suspend: true },
      },
    };
  }
  if (replicasOf(w) === 0) return leave('unchanged');
  const remembered = annotations.originalReplicas in w.annotations;
  return {
    action: 'patch',
    patch: {
      metadata: { annotations: remembered ? {} : { [annotations.originalReplicas]: String(replicasOf(w)) } },
      spec: { replicas: 0 },
    },
  };
}

/**
 * Turn-up: restore exactly the remembered value and drop the annotation. It
 * undoes Lamplighter's own change, so it applies to every workload carrying
 * the annotation, excluded since or not; a workload without one was not
 * turned down by Lamplighter and is left alone.
 */
function turnup(kind: WorkloadKind, w: WorkloadView, excluded: boolean): Decision {
  const key = kind === 'cronjob' ? annotations.originalSuspend : annotations.originalReplicas;
  const remembered = w.annotations[key];
  if (remembered === undefined) return leave(excluded ? 'excluded' : 'unchanged');
  const removeAnnotation = { annotations: { [key]: null } };
  if (kind === 'cronjob') {
    if (remembered !== 'true' && remembered !== 'false') {
      return invalid(w, key, remembered, '"true" or "false"');
    }
    return { action: 'patch', patch: { metadata: removeAnnotation, spec: { suspend: remembered === 'true' } } };
  }
  if (!/^\d{1,9}$/.test(remembered)) return invalid(w, key, remembered, 'a replica count');
  const restoredTo = Number(remembered);
  const found = replicasOf(w);
  return {
    action: 'patch',
    patch: { metadata: removeAnnotation, spec: { replicas: restoredTo } },
    ...(found !== 0 ? { drift: { name: w.name, found, restoredTo } } : {}),
  };
}

function invalid(w: WorkloadView, key: string, value: string, expected: string): Decision {
  return {
    action: 'fail',
    code: 'InvalidAnnotation',
    message: `${key} of ${w.name} is ${JSON.stringify(value)}, not ${expected}; set it right or remove it`,
  };
}

export function decide(direction: Direction, kind: WorkloadKind, w: WorkloadView, excluded: boolean): Decision {
  return direction === 'down' ? turndown(kind, w, excluded) : turnup(kind, w, excluded);
}

/** Whether Lamplighter's turndown shows on the workload. */
export function isTurnedDown(w: WorkloadView): boolean {
  return annotations.originalReplicas in w.annotations || annotations.originalSuspend in w.annotations;
}

/** `staging` (a namespace) or `staging/web` (a workload in it). */
export function parseWorkloadUID(uid: string): { namespace: string; name?: string } {
  const slash = uid.indexOf('/');
  return slash < 0 ? { namespace: uid } : { namespace: uid.slice(0, slash), name: uid.slice(slash + 1) };
}
