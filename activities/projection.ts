import type { Sql } from 'postgres';
import { claimTurn, finishAction } from '../db/actions';
import { insertHistory, type HistoryRow } from '../db/history';

/**
 * Projection writes made on behalf of workflows. Each is idempotent: history
 * rows carry a dedupe key, and status changes only move forward.
 */
export function createProjectionActivities(sql: Sql) {
  return {
    claimResourceTurn: (input: { actionId: string }) => claimTurn(sql, input.actionId),
    recordStateChange: (row: HistoryRow) => insertHistory(sql, [row]),
    finishAction: (input: Parameters<typeof finishAction>[1]) => finishAction(sql, input),
  };
}
