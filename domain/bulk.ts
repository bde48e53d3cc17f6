import { z } from 'zod';
import { ActionType } from './action';
import type { ChangedByType } from './changedBy';

/**
 * What a bulk action does when a resource fails: `continue` runs the later
 * tiers anyway, `halt` stops before the next tier, `compensate` undoes the
 * tiers already done, in reverse.
 */
export const failurePolicies = ['continue', 'halt', 'compensate'] as const;
export const FailurePolicy = z.enum(failurePolicies);
export type FailurePolicy = z.infer<typeof FailurePolicy>;

export const CreateBulkActionRequest = z.strictObject({
  type: ActionType,
  groupID: z.string().min(1).max(64),
  failurePolicy: FailurePolicy.default('continue'),
  /** Resources in flight at once within a tier. */
  concurrency: z.number().int().min(1).max(1_000).default(100),
  /** Answer with the plan and act on nothing. */
  dryRun: z.boolean().default(false),
});
export type CreateBulkActionRequest = z.infer<typeof CreateBulkActionRequest>;

export const bulkStatuses = ['queued', 'running', 'completed', 'halted', 'compensating', 'compensated'] as const;
export type BulkStatus = (typeof bulkStatuses)[number];

/** The seed's bulk action object, with the counts behind it. */
export const BulkAction = z.object({
  id: z.string(),
  groupID: z.string(),
  type: ActionType,
  status: z.enum(bulkStatuses),
  failurePolicy: FailurePolicy,
  total: z.number().int(),
  /** Resources that reached the target state. */
  completed: z.number().int(),
  failed: z.number().int(),
  /** Resources not acted on because the bulk halted or compensated first. */
  skipped: z.number().int(),
  /** Resources put back by compensation. */
  compensated: z.number().int(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type BulkAction = z.infer<typeof BulkAction>;

export const BulkAccepted = z.object({
  bulkActionID: z.string(),
  status: z.literal('queued'),
  total: z.number().int(),
});

/** What a member would go through, given its current state. */
export const plannedChanges = ['start', 'stop', 'none', 'wait', 'impossible', 'unknown'] as const;

export const BulkPlan = z.object({
  dryRun: z.literal(true),
  groupID: z.string(),
  type: ActionType,
  total: z.number().int(),
  wouldChange: z.number().int(),
  tiers: z.array(
    z.object({
      tier: z.number().int(),
      resources: z.array(
        z.object({
          resourceID: z.string(),
          resourceUID: z.string(),
          resourceType: z.string(),
          order: z.number().int(),
          currentState: z.string().nullable(),
          change: z.enum(plannedChanges),
          reason: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type BulkPlan = z.infer<typeof BulkPlan>;

/** What the bulk workflow runs on: the bulk action recorded in the projection. */
export interface BulkActionInput {
  bulkId: string;
  orgId: string;
  type: ActionType;
  failurePolicy: FailurePolicy;
  concurrency: number;
  changedBy: string;
  /** Who asked, as history's changed_by_type: `bulk` unless a schedule or an override did. */
  reason?: ChangedByType;
  scheduleId?: string;
}
