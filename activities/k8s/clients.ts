import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/activity';
import type { AccountRegistry } from '../../runtime/accounts';

export interface KubeClients {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  /** Workloads matching it are never turned down (the cluster's `excludeSelector`). */
  excludeSelector?: string;
}

export type KubeClientsFor = (clusterId: string) => KubeClients;

/** A cluster that cannot be reached as configured: retrying will not help. */
function configFailure(clusterId: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'ClusterConfigError',
    message: `ClusterConfigError: cluster ${clusterId}: ${message}`,
    nonRetryable: true,
  });
}

function loadConfig(accounts: AccountRegistry, clusterId: string): KubeConfig {
  const kc = new KubeConfig();
  const cluster = accounts.kubernetes(clusterId);
  if (cluster?.inCluster) {
    kc.loadFromCluster();
  } else if (cluster?.kubeconfig) {
    try {
      kc.loadFromFile(cluster.kubeconfig);
    } catch (error) {
      throw new Error(`cannot load kubeconfig ${cluster.kubeconfig}: ${(error as Error).message}`);
    }
    if (cluster.context) {
      if (!kc.getContextObject(cluster.context)) {
        throw new Error(`context ${cluster.context} is not in ${cluster.kubeconfig}`);
      }
      kc.setCurrentContext(cluster.context);
    }
  } else if (accounts.open) {
    kc.loadFromDefault();
    if (kc.getContextObject(clusterId)) kc.setCurrentContext(clusterId);
  } else {
    throw new Error('not in the accounts file');
  }
  if (!kc.getCurrentCluster()) throw new Error('the kubeconfig names no cluster for its context');
  return kc;
}

/**
 * One set of API clients per cluster id, with that cluster's credentials: a
 * kubeconfig file and context, the pod's service account (in-cluster), or in
 * open mode the default kubeconfig.
 */
export function createKubeClients(accounts: AccountRegistry): KubeClientsFor {
  const clients = new Map<string, KubeClients>();
  return (clusterId) => {
    let cached = clients.get(clusterId);
    if (!cached) {
      let kc: KubeConfig;
      try {
        kc = loadConfig(accounts, clusterId);
      } catch (error) {
        throw configFailure(clusterId, (error as Error).message);
      }
      cached = {
        core: kc.makeApiClient(CoreV1Api),
        apps: kc.makeApiClient(AppsV1Api),
        batch: kc.makeApiClient(BatchV1Api),
        excludeSelector: accounts.kubernetes(clusterId)?.excludeSelector,
      };
      clients.set(clusterId, cached);
    }
    return cached;
  };
}
