import { ApiException } from '@kubernetes/client-node';
import type { ProviderFailure } from '../providerFailure';

/** Where Lamplighter's ClusterRole is and how to grant it: every Forbidden says so. */
const rbacHint = 'grant the ClusterRole in deploy/kubernetes/rbac.yaml (README, "Kubernetes")';

interface Status {
  reason?: string;
  message?: string;
}

function statusOf(body: unknown): Status {
  if (typeof body === 'object' && body !== null) return body as Status;
  try {
    return JSON.parse(String(body)) as Status;
  } catch {
    return { message: String(body) };
  }
}

/** HTTP status to the API server's reason, for answers without a Status body. */
const reasons: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * Reduces an error of the Kubernetes client to the API server's reason, its
 * message and whether to retry: throttling (429), conflicts (409), server
 * errors and network failures are worth retrying; the rest (denied, not
 * found, invalid) will fail the same way again.
 */
export function classifyKubeError(error: unknown): ProviderFailure & { status?: number } {
  if (error instanceof ApiException) {
    const status = error.code;
    const body = statusOf(error.body);
    const code = body.reason || reasons[status] || `HTTP${status}`;
    const message = body.message || `the API server answered ${status}`;
    return {
      code,
      status,
      message: code === 'Forbidden' ? `${message} (${rbacHint})` : message,
      retryable: status === 409 || status === 429 || status >= 500,
    };
  }
  // No answer: refused, reset, timed out, DNS (worth retrying), or a TLS
  // certificate the kubeconfig does not trust (not worth it).
  const e = error as { code?: unknown; message?: string };
  const code = typeof e?.code === 'string' ? e.code : 'NetworkError';
  return { code, message: e?.message ?? String(error), retryable: !/CERT|SIGNATURE|TLS/.test(code) };
}
