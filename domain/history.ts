import { z } from 'zod';
import { changedByTypes } from './changedBy';

export const stepStatuses = ['running', 'succeeded', 'skipped', 'failed'] as const;
export type StepStatus = (typeof stepStatuses)[number];

/**
 * The step map a workflow records with each state change (the seed's
 * free-form `executionState`): which step, how it ended, and step details.
 */
export const ExecutionState = z.looseObject({ step: z.string(), status: z.enum(stepStatuses) });
export type ExecutionState = z.infer<typeof ExecutionState>;

/** One row of `GET /state-history`, in the seed's shape. */
export const StateHistoryItem = z.object({
  id: z.string(),
  resourceUid: z.string(),
  state: z.string(),
  changedAt: z.string(),
  changedBy: z.string(),
  scheduleId: z.string().optional(),
  actionId: z.string().optional(),
  executionState: ExecutionState.optional(),
  /** Only on failures. */
  errorMessage: z.string().optional(),
});
export type StateHistoryItem = z.infer<typeof StateHistoryItem>;

export const StateHistoryPage = z.object({
  items: z.array(StateHistoryItem),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});

export const StateHistoryQuery = z.strictObject({
  resource_uid: z.string().min(1).max(256).optional(),
  changed_by_type: z.enum(changedByTypes).optional(),
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type StateHistoryQuery = z.infer<typeof StateHistoryQuery>;
