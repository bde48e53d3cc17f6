import { readFileSync } from 'node:fs';
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  loadAllYaml,
  RbacAuthorizationV1Api,
  type V1ObjectMeta,
} from '@kubernetes/client-node';

export type ScalableKind = 'deployment' | 'statefulset';

interface WorkloadOptions {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

const podTemplate = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'main', image: 'registry.example/app:1' }] },
});

/**
 * Direct access to the test cluster as its admin, bypassing Lamplighter, to
 * arrange and check tests. With no kubelet or controllers, workloads are
 * only stored objects: exactly what turndown and turn-up change.
 */
export class KubeFixture {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  private readonly objects: KubernetesObjectApi;

  constructor(readonly kubeconfig: string) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    kc.setCurrentContext('admin');
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
    this.rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kc);
  }

  /** Creates every object of a YAML file (e.g. the shipped RBAC manifest). */
  async apply(file: string): Promise<void> {
    for (const spec of loadAllYaml(readFileSync(file, 'utf8'))) await this.objects.create(spec);
  }

  /** Grants a user a ClusterRole in one namespace only (a RoleBinding). */
  async bindInNamespace(namespace: string, clusterRole: string, user: string): Promise<void> {
    await this.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: `${clusterRole}-${user}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: user }],
      },
    });
  }

  /** A namespace of its own for one test (deleted namespaces never go away here). */
  async namespace(prefix = 'ns'): Promise<string> {
    const name = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
    await this.core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  async deployment(namespace: string, name: string, replicas: number, options: WorkloadOptions = {}): Promise<void> {
    await this.apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name, ...options },
        spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
      },
    });
  }

  async statefulSet(namespace: string, name: string, replicas: number, options: WorkloadOptions = {}): Promise<void> {
    await this.apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name, ...options },
        spec: { replicas, serviceName: name, selector: { matchLabels: { app: name } }, template: podTemplate(name) },
      },
    });
  }

  async cronJob(namespace: string, name: string, options: WorkloadOptions & { suspend?: boolean } = {}) {
    const { suspend, ...metadata } = options;
    await this.batch.createNamespacedCronJob({
      namespace,
      body: {
        metadata: { name, ...metadata },
        spec: {
          schedule: '*/5 * * * *',
          suspend,
          jobTemplate: { spec: { template: { spec: { ...podTemplate(name).spec, restartPolicy: 'Never' } } } },
        },
      },
    });
  }

  async read(kind: ScalableKind, namespace: string, name: string) {
    return kind === 'deployment'
      ? this.apps.readNamespacedDeployment({ namespace, name })
      : this.apps.readNamespacedStatefulSet({ namespace, name });
  }

  async replicas(kind: ScalableKind, namespace: string, name: string): Promise<number | undefined> {
    return (await this.read(kind, namespace, name)).spec?.replicas;
  }

  async annotations(
    kind: ScalableKind | 'cronjob',
    namespace: string,
    name: string,
  ): Promise<V1ObjectMeta['annotations']> {
    const object =
      kind === 'cronjob'
        ? await this.batch.readNamespacedCronJob({ namespace, name })
        : await this.read(kind, namespace, name);
    return object.metadata?.annotations ?? {};
  }

  async suspended(namespace: string, name: string): Promise<boolean | undefined> {
    return (await this.batch.readNamespacedCronJob({ namespace, name })).spec?.suspend;
  }

  /** Scales a workload as a person would (kubectl scale: the /scale subresource). */
  async scale(kind: ScalableKind, namespace: string, name: string, replicas: number): Promise<void> {
    const body = { metadata: { name, namespace }, spec: { replicas } };
    if (kind === 'deployment') await this.apps.replaceNamespacedDeploymentScale({ namespace, name, body });
    else await this.apps.replaceNamespacedStatefulSetScale({ namespace, name, body });
  }
}
