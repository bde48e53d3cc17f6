import { PatchStrategy, setHeaderOptions, type V1ObjectMeta } from '@kubernetes/client-node';
import type { WorkloadKind, WorkloadPatch, WorkloadView } from '../../domain/k8sWorkloads';
import type { KubeClients } from './clients';

interface Page {
  items: WorkloadView[];
  continueToken?: string;
}

interface ListRequest {
  namespace: string;
  labelSelector?: string;
  _continue?: string;
  limit: number;
}

/** The calls Lamplighter makes on one kind of workload, each answering the rules' view of it. */
export interface WorkloadApi {
  kind: WorkloadKind;
  /** As RBAC and the API server name it, e.g. `deployments.apps`. */
  resource: string;
  list(clients: KubeClients, request: ListRequest): Promise<Page>;
  read(clients: KubeClients, namespace: string, name: string): Promise<WorkloadView>;
  /** A JSON merge patch carrying `resourceVersion`: the API server refuses it with 409 if the workload changed since. */
  patch(
    clients: KubeClients,
    namespace: string,
    name: string,
    body: WorkloadPatch,
    resourceVersion: string,
  ): Promise<void>;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface KubeObject {
  metadata?: V1ObjectMeta;
  spec?: { replicas?: number; suspend?: boolean };
}

interface PatchRequest {
  namespace: string;
  name: string;
  body: object;
  fieldManager: string;
}

/** The generated client's methods for one kind. */
interface Calls {
  list(clients: KubeClients, request: ListRequest): Promise<{ items: KubeObject[]; metadata?: { _continue?: string } }>;
  read(clients: KubeClients, request: { namespace: string; name: string }): Promise<KubeObject>;
  patch(clients: KubeClients, request: PatchRequest, options: typeof mergePatch): Promise<unknown>;
}

function view(o: KubeObject): WorkloadView {
  return {
    name: o.metadata?.name ?? '',
    resourceVersion: o.metadata?.resourceVersion ?? '',
    annotations: o.metadata?.annotations ?? {},
    replicas: o.spec?.replicas,
    suspend: o.spec?.suspend,
  };
}

function workloadApi(kind: WorkloadKind, resource: string, calls: Calls): WorkloadApi {
  return {
    kind,
    resource,
    async list(clients, request) {
      const list = await calls.list(clients, request);
      return { items: list.items.map(view), continueToken: list.metadata?._continue || undefined };
    },
    read: async (clients, namespace, name) => view(await calls.read(clients, { namespace, name })),
    async patch(clients, namespace, name, body, resourceVersion) {
      const versioned = { ...body, metadata: { ...body.metadata, resourceVersion } };
      // The field manager shows in managedFields who scaled the workload.
      await calls.patch(clients, { namespace, name, body: versioned, fieldManager: 'lamplighter' }, mergePatch);
    },
  };
}

export const workloadApis: Record<WorkloadKind, WorkloadApi> = {
  deployment: workloadApi('deployment', 'deployments.apps', {
    list: ({ apps }, r) => apps.listNamespacedDeployment(r),
    read: ({ apps }, r) => apps.readNamespacedDeployment(r),
    patch: ({ apps }, r, o) => apps.patchNamespacedDeployment(r, o),
  }),
  statefulset: workloadApi('statefulset', 'statefulsets.apps', {
    list: ({ apps }, r) => apps.listNamespacedStatefulSet(r),
    read: ({ apps }, r) => apps.readNamespacedStatefulSet(r),
    patch: ({ apps }, r, o) => apps.patchNamespacedStatefulSet(r, o),
  }),
  cronjob: workloadApi('cronjob', 'cronjobs.batch', {
    list: ({ batch }, r) => batch.listNamespacedCronJob(r),
    read: ({ batch }, r) => batch.readNamespacedCronJob(r),
    patch: ({ batch }, r, o) => batch.patchNamespacedCronJob(r, o),
  }),
};
