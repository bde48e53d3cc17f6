import { describe, expect, it } from 'vitest';
import { CreateActionRequest } from '../../domain/action';
import { decide, parseWorkloadUID, type WorkloadView } from '../../domain/k8sWorkloads';

const workload = (over: Partial<WorkloadView> = {}): WorkloadView => ({
  name: 'web',
  resourceVersion: '1',
  annotations: {},
  ...over,
});
const remembered = (value: string) => ({ 'lamplighter.dev/original-replicas': value });

describe('turndown rules', () => {
  it('scales to zero and remembers the replicas in the same patch', () => {
    expect(decide('down', 'deployment', workload({ replicas: 3 }), false)).toEqual({
      action: 'patch',
      patch: { metadata: { annotations: remembered('3') }, spec: { replicas: 0 } },
    });
  });

  it('keeps the first remembered value when scaling back down what a person scaled up meanwhile', () => {
    expect(decide('down', 'statefulset', workload({ replicas: 2, annotations: remembered('5') }), false)).toEqual({
      action: 'patch',
      patch: { metadata: { annotations: {} }, spec: { replicas: 0 } },
    });
  });

  it('leaves alone what is already at zero or suspended, and what is excluded', () => {
    expect(decide('down', 'deployment', workload({ replicas: 0, annotations: remembered('3') }), false)).toEqual({
      action: 'leave',
      as: 'unchanged',
    });
    expect(decide('down', 'deployment', workload({ replicas: 0 }), false)).toMatchObject({ as: 'unchanged' });
    expect(decide('down', 'cronjob', workload({ suspend: true }), false)).toMatchObject({ as: 'unchanged' });
    expect(decide('down', 'deployment', workload({ replicas: 3 }), true)).toMatchObject({ as: 'excluded' });
  });

  it('counts a Deployment without replicas as the API default, 1', () => {
    expect(decide('down', 'deployment', workload(), false)).toMatchObject({
      patch: { metadata: { annotations: remembered('1') } },
    });
  });

  it('suspends a cron job and remembers it was running', () => {
    expect(decide('down', 'cronjob', workload({ suspend: false }), false)).toEqual({
      action: 'patch',
      patch: { metadata: { annotations: { 'lamplighter.dev/original-suspend': 'false' } }, spec: { suspend: true } },
    });
  });
});

describe('turn-up rules', () => {
  it('restores the remembered value and removes the annotation', () => {
    expect(decide('up', 'deployment', workload({ replicas: 0, annotations: remembered('3') }), false)).toEqual({
      action: 'patch',
      patch: { metadata: { annotations: { 'lamplighter.dev/original-replicas': null } }, spec: { replicas: 3 } },
    });
    expect(
      decide(
        'up',
        'cronjob',
        workload({ suspend: true, annotations: { 'lamplighter.dev/original-suspend': 'false' } }),
        false,
      ),
    ).toMatchObject({ patch: { spec: { suspend: false } } });
  });

  it('reports drift when a person changed the replicas while it was down', () => {
    expect(decide('up', 'deployment', workload({ replicas: 1, annotations: remembered('4') }), false)).toMatchObject({
      drift: { name: 'web', found: 1, restoredTo: 4 },
    });
  });

  it('leaves alone what Lamplighter did not turn down; restores what it did even if excluded since', () => {
    expect(decide('up', 'deployment', workload({ replicas: 2 }), false)).toEqual({ action: 'leave', as: 'unchanged' });
    expect(decide('up', 'deployment', workload({ replicas: 2 }), true)).toEqual({ action: 'leave', as: 'excluded' });
    expect(decide('up', 'deployment', workload({ replicas: 0, annotations: remembered('2') }), true)).toMatchObject({
      action: 'patch',
    });
  });

  it('refuses an annotation that is not a replica count, naming it', () => {
    expect(decide('up', 'deployment', workload({ annotations: remembered('-1') }), false)).toEqual({
      action: 'fail',
      code: 'InvalidAnnotation',
      message: 'lamplighter.dev/original-replicas of web is "-1", not a replica count; set it right or remove it',
    });
  });
});

describe('Kubernetes resource references', () => {
  const body = (over: Record<string, string>) => ({
    type: 'stop',
    resourceUID: 'staging',
    provider: 'kubernetes',
    resourceType: 'k8s-namespace',
    cloudAccountID: 'dev',
    region: 'cluster',
    ...over,
  });
  const issues = (over: Record<string, string>) =>
    CreateActionRequest.safeParse(body(over)).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('accepts namespaces as DNS labels and workloads as namespace/name, with any region label', () => {
    expect(issues({})).toEqual([]);
    expect(issues({ resourceType: 'k8s-deployment', resourceUID: 'staging/web.v2' })).toEqual([]);
    expect(issues({ resourceType: 'k8s-statefulset', resourceUID: 'staging/db', region: 'eu-west-1' })).toEqual([]);
  });

  it('refuses bad names, mismatched types and AWS regions that are only labels', () => {
    expect(issues({ resourceUID: 'Staging' })).toEqual(['resourceUID: not a valid k8s-namespace id (e.g. staging)']);
    expect(issues({ resourceType: 'k8s-deployment', resourceUID: 'staging' })).toEqual([
      'resourceUID: not a valid k8s-deployment id (e.g. staging/web)',
    ]);
    expect(issues({ resourceType: 'aws-ec2' })).toEqual([
      "resourceType: provider 'kubernetes' serves k8s-namespace, k8s-deployment, k8s-statefulset",
    ]);
    expect(
      issues({ provider: 'aws', resourceType: 'aws-ec2', resourceUID: 'i-0abc123def4567890', region: 'cluster' }),
    ).toEqual(['region: must be a region name such as us-east-1']);
  });

  it('splits a workload id into namespace and name', () => {
    expect(parseWorkloadUID('staging')).toEqual({ namespace: 'staging' });
    expect(parseWorkloadUID('staging/web')).toEqual({ namespace: 'staging', name: 'web' });
  });
});
