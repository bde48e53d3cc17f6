import type { ActionWorkflowInput } from './action';
import type { BulkActionInput } from './bulk';

/**
 * What a schedule's or an override's run is to start, as recorded in the
 * projection: a bulk action (a group), a single action (one resource), or
 * nothing, with the reason.
 */
export type PreparedRun =
  | { kind: 'none'; reason: string }
  | { kind: 'bulk'; input: BulkActionInput }
  | { kind: 'action'; input: ActionWorkflowInput };
