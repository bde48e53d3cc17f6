import { z } from 'zod';
import { ActionType } from './action';

const Until = z.iso.datetime({ offset: true }).describe('when the override ends, e.g. 2026-11-23T22:00:00+01:00');

/**
 * `POST /overrides`: "keep this running until 22:00". Applies the action now
 * and holds it against schedules until `until`; then the resources return to
 * what their schedules say at that moment.
 */
export const CreateOverrideRequest = z
  .strictObject({
    resourceID: z.string().min(1).max(64).optional(),
    /** A registered resource, by its provider id (when it is unique in the organisation). */
    resourceUID: z.string().min(1).max(256).optional(),
    groupID: z.string().min(1).max(64).optional(),
    action: ActionType,
    until: Until,
    note: z.string().max(500).optional(),
  })
  .superRefine((o, ctx) => {
    const targets = [o.resourceID, o.resourceUID, o.groupID].filter(Boolean).length;
    if (targets !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['resourceUID'],
        message: 'give exactly one of resourceUID, resourceID or groupID',
      });
    }
  });
export type CreateOverrideRequest = z.infer<typeof CreateOverrideRequest>;

export const ExtendOverrideRequest = z.strictObject({ until: Until });

export const overrideStatuses = ['active', 'expired', 'cancelled'] as const;
export type OverrideStatus = (typeof overrideStatuses)[number];

export const Override = z.object({
  id: z.string(),
  target: z.union([z.object({ groupID: z.string() }), z.object({ resourceID: z.string() })]),
  /** The resources it holds (a group's members when it was created). */
  resourceIDs: z.array(z.string()),
  action: ActionType,
  until: z.string(),
  note: z.string().nullable(),
  status: z.enum(overrideStatuses),
  createdBy: z.string(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
});
export type Override = z.infer<typeof Override>;

export const OverrideListQuery = z.strictObject({
  status: z.enum([...overrideStatuses, 'all']).default('active'),
});
