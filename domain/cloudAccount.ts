import { z } from 'zod';
import { CloudAccountID, Region } from './resource';

/**
 * How a `cloudAccountID` maps to credentials. Operators configure accounts in
 * a file on the worker and API hosts (LAMPLIGHTER_ACCOUNTS_FILE): it names
 * profiles, roles and kubeconfig files that live there, never secrets, and
 * which organisations may use each account.
 */
const RateLimit = z.strictObject({
  /** Provider calls per second for one account and region, across all workers. */
  perSecond: z.number().positive().max(10_000),
  burst: z.number().int().positive().max(100_000),
});
export type RateLimit = z.infer<typeof RateLimit>;

const common = {
  id: CloudAccountID,
  /** Organisation names allowed to use the account; `*` for every organisation. */
  orgs: z.array(z.string().min(1)).min(1),
  rateLimit: RateLimit.optional(),
};

export const AwsAccount = z.strictObject({
  ...common,
  provider: z.literal('aws'),
  /** A profile of the shared AWS config files on the worker host. */
  profile: z.string().min(1).optional(),
  /** A role to assume (with the base credentials: profile or default chain). */
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'must be an IAM role ARN')
    .optional(),
  externalId: z.string().min(2).max(1224).optional(),
  /** EC2 endpoint override (a VPC endpoint, moto). */
  endpoint: z.url().optional(),
  regions: z.array(Region).optional(),
});

export const KubernetesCluster = z
  .strictObject({
    ...common,
    provider: z.literal('kubernetes'),
    /** Path of a kubeconfig file on the worker host. */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /** Use the service account of the pod the worker runs in. */
    inCluster: z.boolean().optional(),
    /** A label selector (e.g. `lamplighter.dev/keep=true,tier in (db)`): matching workloads are never turned down. */
    excludeSelector: z.string().min(1).max(1_000).optional(),
  })
  .refine((c) => Boolean(c.kubeconfig) !== Boolean(c.inCluster), {
    message: 'set either kubeconfig or inCluster: true',
    path: ['kubeconfig'],
  });

export const CloudAccount = z.discriminatedUnion('provider', [AwsAccount, KubernetesCluster]);
export type CloudAccount = z.infer<typeof CloudAccount>;
export type AwsAccount = z.infer<typeof AwsAccount>;
export type KubernetesCluster = z.infer<typeof KubernetesCluster>;

export const AccountsFile = z.strictObject({ accounts: z.array(CloudAccount) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.accounts.forEach((a, i) => {
    if (seen.has(a.id))
      ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `duplicate account ${a.id}` });
    seen.add(a.id);
  });
});
export type AccountsFile = z.infer<typeof AccountsFile>;

/** What `GET /cloud-accounts` shows: how an account authenticates, not with what. */
export const CloudAccountView = z.object({
  id: z.string(),
  provider: z.string(),
  auth: z.enum(['default', 'profile', 'role', 'kubeconfig', 'in-cluster']),
  regions: z.array(z.string()).optional(),
  endpoint: z.string().optional(),
});
export type CloudAccountView = z.infer<typeof CloudAccountView>;

export function viewOf(account: CloudAccount): CloudAccountView {
  if (account.provider === 'kubernetes') {
    return { id: account.id, provider: account.provider, auth: account.inCluster ? 'in-cluster' : 'kubeconfig' };
  }
  return {
    id: account.id,
    provider: account.provider,
    auth: account.roleArn ? 'role' : account.profile ? 'profile' : 'default',
    ...(account.regions ? { regions: account.regions } : {}),
    ...(account.endpoint ? { endpoint: account.endpoint } : {}),
  };
}
