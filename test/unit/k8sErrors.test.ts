import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyKubeError } from '../../activities/k8s/errors';

const status = (code: number, reason: string, message: string) =>
  new ApiException(code, 'x', JSON.stringify({ kind: 'Status', reason, message, code }), {});

describe('classifyKubeError', () => {
  it('takes the reason and message of the API server, and says how to fix a Forbidden', () => {
    expect(classifyKubeError(status(403, 'Forbidden', 'deployments.apps is forbidden: User "x" cannot list'))).toEqual({
      code: 'Forbidden',
      status: 403,
      message:
        'deployments.apps is forbidden: User "x" cannot list (grant the ClusterRole in deploy/kubernetes/rbac.yaml (README, "Kubernetes"))',
      retryable: false,
    });
    expect(classifyKubeError(status(404, 'NotFound', 'namespaces "x" not found'))).toMatchObject({
      code: 'NotFound',
      retryable: false,
    });
  });

  it('retries throttling, conflicts, server errors and unanswered requests; not TLS trust errors', () => {
    expect(classifyKubeError(status(429, 'TooManyRequests', 'slow down')).retryable).toBe(true);
    expect(classifyKubeError(status(409, 'Conflict', 'modified')).retryable).toBe(true);
    expect(classifyKubeError(new ApiException(503, 'x', 'upstream gone', {}))).toMatchObject({
      code: 'ServiceUnavailable',
      message: 'upstream gone',
      retryable: true,
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyKubeError(refused)).toMatchObject({ code: 'ECONNREFUSED', retryable: true });
    const untrusted = Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(classifyKubeError(untrusted).retryable).toBe(false);
  });
});
