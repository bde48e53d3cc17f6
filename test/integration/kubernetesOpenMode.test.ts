import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { k8sResource, runK8sAction } from '../support/k8sActions';
import { KubeFixture } from '../support/kube';

/**
 * Without an accounts file, a cluster id is a context of the default
 * kubeconfig (here KUBECONFIG pointing at the test cluster), as someone
 * trying Lamplighter out on their own machine would use it.
 */

const kube = new KubeFixture(inject('kubeconfig'));
let h: Harness;
let alice: Caller;
const previous = process.env.KUBECONFIG;

beforeAll(async () => {
  process.env.KUBECONFIG = inject('kubeconfig');
  h = await startHarness();
  alice = await h.newCaller();
});
afterAll(async () => {
  await h.stop();
  if (previous === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = previous;
});

describe('open mode (no accounts file)', () => {
  it('uses the context of the default kubeconfig that the cluster id names', async () => {
    const ns = await kube.namespace('open');
    await kube.deployment(ns, 'web', 2);
    const stop = await runK8sAction(h, alice, 'stop', k8sResource(ns, 'lamplighter'));
    expect(stop.status).toBe('succeeded');
    expect(await kube.replicas('deployment', ns, 'web')).toBe(0);

    const denied = await runK8sAction(h, alice, 'start', k8sResource(ns, 'nobody'));
    expect(denied.status).toBe('failed');
    expect(denied.errorMessage).toMatch(/^Forbidden: .*User "nobody"/);
    expect(await kube.replicas('deployment', ns, 'web')).toBe(0);
  });
});
