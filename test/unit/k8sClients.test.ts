import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, inject, it } from 'vitest';
import { createKubeClients } from '../../activities/k8s/clients';
import { AccountRegistry } from '../../runtime/accounts';

function configError(call: () => unknown): ApplicationFailure {
  try {
    call();
  } catch (error) {
    return error as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

describe('cluster clients', () => {
  it('a context missing from the kubeconfig is a permanent configuration error naming it', () => {
    const kubeconfig = inject('kubeconfig');
    const accounts = new AccountRegistry([
      { id: 'typo', provider: 'kubernetes', orgs: ['*'], kubeconfig, context: 'prod' },
      { id: 'empty', provider: 'kubernetes', orgs: ['*'], kubeconfig: '/dev/null' },
    ]);
    const failure = configError(() => createKubeClients(accounts)('typo'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('ClusterConfigError');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(`ClusterConfigError: cluster typo: context prod is not in ${kubeconfig}`);
    expect(configError(() => createKubeClients(accounts)('empty')).message).toMatch(
      /^ClusterConfigError: cluster empty: cannot load kubeconfig \/dev\/null: /,
    );
  });

  it('with an accounts file, an unlisted cluster id is refused', () => {
    const failure = configError(() => createKubeClients(new AccountRegistry([]))('elsewhere'));
    expect(failure.message).toBe('ClusterConfigError: cluster elsewhere: not in the accounts file');
  });

  it('open mode accepts any cluster id; an accounts file only listed ones for listed organisations', () => {
    expect(new AccountRegistry().allows('acme', 'kubernetes', 'any-cluster')).toBe(true);
    const file = new AccountRegistry([
      { id: 'dev', provider: 'kubernetes', orgs: ['acme'], kubeconfig: '/etc/kubeconfig' },
    ]);
    expect(file.allows('acme', 'kubernetes', 'dev')).toBe(true);
    expect(file.allows('other', 'kubernetes', 'dev')).toBe(false);
    expect(file.allows('acme', 'aws', 'dev')).toBe(false);
  });
});
