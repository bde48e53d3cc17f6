import type { ResourceType } from '../../domain/resource';
import type { Transition } from '../stateChange';
import { transitionEc2 } from './ec2';

export interface TransitionSpec {
  run: Transition;
  /** How many resources one run may move at once (one provider call per step). */
  batchSize: number;
}

const transitions: Record<ResourceType, TransitionSpec> = {
  'aws-ec2': { run: transitionEc2, batchSize: 100 },
};

export function transitionFor(resourceType: ResourceType): TransitionSpec {
  return transitions[resourceType];
}
