import { z } from 'zod';

export const providers = ['aws', 'kubernetes'] as const;
export type Provider = (typeof providers)[number];

/** Which resource types each provider serves. */
export const resourceTypesByProvider = {
  aws: ['aws-ec2'],
  kubernetes: ['k8s-namespace', 'k8s-deployment', 'k8s-statefulset'],
} as const satisfies Record<Provider, readonly string[]>;
export const resourceTypes = ['aws-ec2', 'k8s-namespace', 'k8s-deployment', 'k8s-statefulset'] as const;
export type ResourceType = (typeof resourceTypes)[number];

// Kubernetes names: a namespace is a DNS label, a workload a DNS subdomain.
const dnsLabel = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
const dnsSubdomain = `${dnsLabel}(\\.${dnsLabel})*`;
const namespaced = new RegExp(`^${dnsLabel}/(?=.{1,253}$)${dnsSubdomain}$`);

const resourceUIDPatterns: Record<ResourceType, { pattern: RegExp; example: string }> = {
  'aws-ec2': { pattern: /^i-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'i-0abc123def4567890' },
  'k8s-namespace': { pattern: new RegExp(`^${dnsLabel}$`), example: 'staging' },
  'k8s-deployment': { pattern: namespaced, example: 'staging/web' },
  'k8s-statefulset': { pattern: namespaced, example: 'staging/postgres' },
};

export const CloudAccountID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be 1-128 letters, digits, and _ . : -');

const awsRegion = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const Region = z.string().regex(awsRegion, 'must be a region name such as us-east-1');

/**
 * Where a resource lives, as its provider names it: an AWS region, or for a
 * cluster any short label (e.g. `cluster`, or the region it runs in). The
 * provider's own rule is checked in checkResourceRef.
 */
const Location = z
  .string()
  .regex(new RegExp(`^${dnsLabel}$`), 'must be a lowercase label such as us-east-1 (a cluster: any label)');

/** What a provider call needs to find one resource. */
export const resourceFields = {
  resourceUID: z.string().min(1).max(256),
  provider: z.enum(providers),
  resourceType: z.enum(resourceTypes),
  cloudAccountID: CloudAccountID,
  region: Location,
};

/** The same fields as answers carry them (already validated when stored). */
export const resourceFieldsView = {
  resourceUID: z.string(),
  provider: z.string(),
  resourceType: z.string(),
  cloudAccountID: z.string(),
  region: z.string(),
};

/** Cross-field checks: the type belongs to the provider, the id has its shape. */
export function checkResourceRef(
  ref: { provider: Provider; resourceType: ResourceType; resourceUID: string; region: string },
  ctx: z.RefinementCtx,
): void {
  if (ref.provider === 'aws' && !awsRegion.test(ref.region)) {
    ctx.addIssue({ code: 'custom', path: ['region'], message: 'must be a region name such as us-east-1' });
  }
  const served: readonly string[] = resourceTypesByProvider[ref.provider];
  if (!served.includes(ref.resourceType)) {
    ctx.addIssue({
      code: 'custom',
      path: ['resourceType'],
      message: `provider '${ref.provider}' serves ${served.join(', ')}`,
    });
    return;
  }
  const uid = resourceUIDPatterns[ref.resourceType];
  if (!uid.pattern.test(ref.resourceUID)) {
    ctx.addIssue({
      code: 'custom',
      path: ['resourceUID'],
      message: `not a valid ${ref.resourceType} id (e.g. ${uid.example})`,
    });
  }
}

export const ResourceRef = z.object(resourceFields).superRefine(checkResourceRef);
export type ResourceRef = z.infer<typeof ResourceRef>;

/**
 * The identity of the physical resource, independent of organisation: two
 * actions on the same key never run at the same time.
 */
export function resourceKey(ref: ResourceRef): string {
  // A cluster's region is only a label: the same namespace under two labels is one namespace.
  if (ref.provider === 'kubernetes') return [ref.provider, ref.cloudAccountID, ref.resourceUID].join(':');
  return [ref.provider, ref.cloudAccountID, ref.region, ref.resourceUID].join(':');
}
