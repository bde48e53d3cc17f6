import { z } from 'zod';

export const providers = ['aws'] as const;
export type Provider = (typeof providers)[number];

/** Which resource types each provider serves. */
export const resourceTypesByProvider = {
  aws: ['aws-ec2'],
} as const satisfies Record<Provider, readonly string[]>;
export const resourceTypes = ['aws-ec2'] as const;
export type ResourceType = (typeof resourceTypes)[number];

const resourceUIDPatterns: Record<ResourceType, { pattern: RegExp; example: string }> = {
  'aws-ec2': { pattern: /^i-[0-9a-f]{8}([0-9a-f]{9})?$/, example: 'i-0abc123def4567890' },
};

export const CloudAccountID = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be 1-128 letters, digits, and _ . : -');

export const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be a region name such as us-east-1');

/** What a provider call needs to find one resource. */
export const resourceFields = {
  resourceUID: z.string().min(1).max(256),
  provider: z.enum(providers),
  resourceType: z.enum(resourceTypes),
  cloudAccountID: CloudAccountID,
  region: Region,
};

/** Cross-field checks: the type belongs to the provider, the id has its shape. */
export function checkResourceRef(
  ref: { provider: Provider; resourceType: ResourceType; resourceUID: string },
  ctx: z.RefinementCtx,
): void {
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
  return [ref.provider, ref.cloudAccountID, ref.region, ref.resourceUID].join(':');
}
