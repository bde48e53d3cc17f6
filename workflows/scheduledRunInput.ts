import type { ActionType } from '../domain/action';

/** What each Temporal Schedule of a Lamplighter schedule starts: the run of one entry. */
export interface ScheduledRunInput {
  scheduleId: string;
  /** The entry's id, `cronId` in history (`schedule:<name>:<cronId>`). */
  cronId: string;
  action: ActionType;
}
