import { expect } from 'vitest';
import type { Caller, Harness } from './harness';

export type K8sResourceType = 'k8s-namespace' | 'k8s-deployment' | 'k8s-statefulset';

/** The resource fields of a namespace (`ns`) or workload (`ns/name`) on a configured cluster. */
export const k8sResource = (resourceUID: string, cluster: string, resourceType?: K8sResourceType) => ({
  resourceUID,
  provider: 'kubernetes',
  resourceType: resourceType ?? (resourceUID.includes('/') ? 'k8s-deployment' : 'k8s-namespace'),
  cloudAccountID: cluster,
  region: 'cluster',
});

/** Submits a manual action and waits until it ends; answers the action. */
export async function runK8sAction(
  h: Harness,
  caller: Caller,
  type: 'start' | 'stop',
  resource: ReturnType<typeof k8sResource>,
  timeoutMs?: number,
): Promise<any> {
  const res = await h.request('POST', '/actions', { token: caller.token, body: { type, ...resource } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return h.waitForAction(caller, res.body.data.actionID, timeoutMs);
}

/** The history rows of one action, oldest first. */
export async function historyOf(h: Harness, caller: Caller, action: { id: string; resourceUID: string }) {
  const res = await h.request(
    'GET',
    `/state-history?resource_uid=${encodeURIComponent(action.resourceUID)}&limit=500`,
    {
      token: caller.token,
    },
  );
  expect(res.status).toBe(200);
  return (res.body.data.items as any[]).filter((r) => r.actionId === action.id);
}
