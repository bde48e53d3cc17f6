import { describe, expect, it } from 'vitest';
import { decide, hasFailedToReach } from '../../domain/ec2InstanceStates';

describe('decide', () => {
  it.each([
    ['stop', 'running', 'act'],
    ['stop', 'stopping', 'done'],
    ['stop', 'stopped', 'done'],
    ['stop', 'pending', 'settle'],
    ['stop', 'terminated', 'impossible'],
    ['start', 'stopped', 'act'],
    ['start', 'pending', 'done'],
    ['start', 'running', 'done'],
    ['start', 'stopping', 'settle'],
    ['start', 'shutting-down', 'impossible'],
  ] as const)('%s of a %s instance: %s', (action, state, expected) => {
    expect(decide(action, state)).toBe(expected);
  });
});

describe('hasFailedToReach', () => {
  it('a start that EC2 stopped again for capacity has failed', () => {
    expect(hasFailedToReach('running', 'stopped', 'Server.InsufficientInstanceCapacity')).toBe(true);
  });
  it('a stopped instance not yet picked up by a start is still on its way', () => {
    expect(hasFailedToReach('running', 'stopped')).toBe(false);
    expect(hasFailedToReach('running', 'stopped', 'Client.UserInitiatedShutdown')).toBe(false);
  });
  it('termination ends every wait', () => {
    expect(hasFailedToReach('stopped', 'terminated')).toBe(true);
    expect(hasFailedToReach('running', 'shutting-down')).toBe(true);
  });
});
