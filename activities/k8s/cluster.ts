import { isExcludedByAnnotation, type WorkloadView } from '../../domain/k8sWorkloads';
import { toFailure } from '../providerFailure';
import type { RateLimiter } from '../rateLimiter';
import type { KubeClients, KubeClientsFor } from './clients';
import { classifyKubeError } from './errors';
import type { WorkloadApi } from './workloads';

/** Where a phase acts: the cluster (its id and region label) and the namespace. */
export interface WorkloadsInput {
  cloudAccountID: string;
  region: string;
  namespace: string;
  /** Only these workloads (a `k8s-deployment` or `k8s-statefulset` resource); every one of the namespace otherwise. */
  names?: string[];
}

export interface ClusterDeps {
  kubeFor: KubeClientsFor;
  limiter: RateLimiter;
}

/** Sends API requests to one cluster, each once the cluster's rate limit allows it. */
export type ClusterCall = <T>(request: (clients: KubeClients) => Promise<T>) => Promise<T>;

export function clusterCall(deps: ClusterDeps, input: WorkloadsInput): { call: ClusterCall; clients: KubeClients } {
  const clients = deps.kubeFor(input.cloudAccountID);
  const call: ClusterCall = async (request) => {
    await deps.limiter.acquire('kubernetes', input.cloudAccountID, input.region);
    return request(clients);
  };
  return { call, clients };
}

export interface ReadWorkload {
  workload: WorkloadView;
  /** Matched by the cluster's `excludeSelector`. */
  excludedBySelector: boolean;
}

const pageSize = 500;

async function listAll(
  call: ClusterCall,
  api: WorkloadApi,
  namespace: string,
  labelSelector?: string,
): Promise<WorkloadView[]> {
  const items: WorkloadView[] = [];
  let token: string | undefined;
  do {
    const page = await call((c) => api.list(c, { namespace, labelSelector, _continue: token, limit: pageSize }));
    items.push(...page.items);
    token = page.continueToken;
  } while (token);
  return items;
}

/**
 * The workloads of one kind a phase concerns, sorted by name, with whether
 * the cluster's selector excludes them. A missing namespace or named
 * workload is a permanent NotFound (listing an absent namespace answers an
 * empty list, so the namespace is read first); any error fails the call.
 */
export async function readWorkloads(
  call: ClusterCall,
  clients: KubeClients,
  api: WorkloadApi,
  input: WorkloadsInput,
): Promise<ReadWorkload[]> {
  try {
    let workloads: WorkloadView[];
    if (input.names) {
      workloads = [];
      for (const name of input.names) workloads.push(await call((c) => api.read(c, input.namespace, name)));
    } else {
      await call((c) => c.core.readNamespace({ name: input.namespace }));
      workloads = await listAll(call, api, input.namespace);
    }
    const selected = clients.excludeSelector
      ? new Set((await listAll(call, api, input.namespace, clients.excludeSelector)).map((w) => w.name))
      : new Set<string>();
    return workloads
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((workload) => ({ workload, excludedBySelector: selected.has(workload.name) }));
  } catch (error) {
    throw toFailure(classifyKubeError(error));
  }
}

export function isExcluded(read: { excludedBySelector: boolean }, workload: WorkloadView): boolean {
  return read.excludedBySelector || isExcludedByAnnotation(workload);
}
