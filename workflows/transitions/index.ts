import type { ResourceType } from '../../domain/resource';
import type { Transition } from '../stateChange';
import { transitionEc2 } from './ec2';
import { transitionKubernetes } from './k8s';

export interface TransitionSpec {
  run: Transition;
  /** How many resources one run may move at once (one provider call per step). */
  batchSize: number;
}

const transitions: Record<ResourceType, TransitionSpec> = {
  'aws-ec2': { run: transitionEc2, batchSize: 100 },
  // One namespace or workload per run: each is several calls of its own, and
  // the bulk workflow already runs members side by side up to its concurrency.
  'k8s-namespace': { run: transitionKubernetes, batchSize: 1 },
  'k8s-deployment': { run: transitionKubernetes, batchSize: 1 },
  'k8s-statefulset': { run: transitionKubernetes, batchSize: 1 },
};

export function transitionFor(resourceType: ResourceType): TransitionSpec {
  return transitions[resourceType];
}
