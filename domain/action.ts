import { z } from 'zod';
import { changedByTypes, type ChangedByType } from './changedBy';
import { checkResourceRef, resourceFields, resourceFieldsView, type ResourceRef } from './resource';

export const actionTypes = ['start', 'stop'] as const;
export const ActionType = z.enum(actionTypes);
export type ActionType = z.infer<typeof ActionType>;

export const actionStatuses = ['pending', 'running', 'succeeded', 'failed'] as const;
export type ActionStatus = (typeof actionStatuses)[number];

/** `POST /actions`: unknown fields are refused so that a typo is not silently ignored. */
export const CreateActionRequest = z
  .strictObject({ type: ActionType, ...resourceFields })
  .superRefine(checkResourceRef);
export type CreateActionRequest = z.infer<typeof CreateActionRequest>;

/** The seed's action object, as `GET /actions/{id}` answers it. */
export const Action = z.object({
  id: z.string(),
  ...resourceFieldsView,
  action: ActionType,
  /** What caused it: manual, bulk, schedule, override or override_expired. */
  reason: z.enum(changedByTypes),
  changedBy: z.string(),
  status: z.enum(actionStatuses),
  /** Only on failure: the provider's `Code: message`. */
  errorMessage: z.string().optional(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Action = z.infer<typeof Action>;

/** `POST /actions` answers this, also when an Idempotency-Key replays it. */
export const ActionAccepted = z.object({ actionID: z.string(), status: z.literal('queued') });

/** Everything the action workflow needs; the projection row holds the same. */
export interface ActionWorkflowInput {
  actionId: string;
  orgId: string;
  type: ActionType;
  resource: ResourceRef;
  changedBy: string;
  reason: ChangedByType;
  scheduleId?: string;
}
