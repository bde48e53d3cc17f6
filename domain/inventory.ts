import { z } from 'zod';
import { checkResourceRef, resourceFields, resourceFieldsView, type ResourceRef } from './resource';

const Tags = z.record(z.string().min(1).max(128), z.string().max(256));
const Name = z.string().min(1).max(200);

/** `POST /resources`: a resource the organisation manages. */
export const CreateResourceRequest = z
  .strictObject({ ...resourceFields, name: Name.optional(), tags: Tags.optional() })
  .superRefine(checkResourceRef);
export type CreateResourceRequest = z.infer<typeof CreateResourceRequest>;

export const UpdateResourceRequest = z.strictObject({ name: Name.optional(), tags: Tags.optional() });

export const Resource = z.object({
  id: z.string(),
  ...resourceFieldsView,
  name: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Resource = z.infer<typeof Resource>;

/** A member of a group: the resource, its execution tier and its order within the tier. */
export const GroupMember = z.strictObject({
  resourceID: z.string().min(1).max(64),
  tier: z.number().int().min(0).max(1_000),
  order: z.number().int().min(0).max(1_000_000).default(0),
});
export type GroupMember = z.infer<typeof GroupMember>;

const Members = z.array(GroupMember).max(100_000);

export const CreateGroupRequest = z.strictObject({
  name: Name,
  description: z.string().max(2_000).optional(),
  members: Members.default([]),
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

export const UpdateGroupRequest = z.strictObject({
  name: Name.optional(),
  description: z.string().max(2_000).nullable().optional(),
  /** Replaces the whole member list when given. */
  members: Members.optional(),
});
export type UpdateGroupRequest = z.infer<typeof UpdateGroupRequest>;

export const ResourceGroup = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ResourceGroup = z.infer<typeof ResourceGroup>;

export const GroupMemberView = GroupMember.extend({ resource: Resource });
export const ResourceGroupWithMembers = ResourceGroup.extend({ members: z.array(GroupMemberView) });

export const ListQuery = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const ResourceListQuery = ListQuery.extend({
  provider: z.string().optional(),
  cloudAccountID: z.string().optional(),
  region: z.string().optional(),
  resourceUID: z.string().optional(),
});

/** The provider identity of a registered resource. */
export function refOf(resource: Resource): ResourceRef {
  return {
    resourceUID: resource.resourceUID,
    provider: resource.provider as ResourceRef['provider'],
    resourceType: resource.resourceType as ResourceRef['resourceType'],
    cloudAccountID: resource.cloudAccountID,
    region: resource.region,
  };
}
