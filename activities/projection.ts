import type { Sql } from 'postgres';
import {
  bulkMembers,
  bulkTiers,
  insertCompensations,
  setBulkStatus,
  skipPendingMembers,
  tierFailed,
  type BulkPhase,
  type MemberCursor,
} from '../db/bulkActions';
import { claimTurns, finishActions, type ActionResult } from '../db/actions';
import { insertHistory, type HistoryRow } from '../db/history';
import type { BulkStatus } from '../domain/bulk';

/**
 * Projection writes and reads made on behalf of workflows. Writes are
 * idempotent: history rows carry a dedupe key, statuses only move forward,
 * compensations are unique per resource.
 */
export function createProjectionActivities(sql: Sql) {
  return {
    claimResourceTurns: (input: { actionIds: string[] }) => claimTurns(sql, input.actionIds),
    recordStateChanges: (input: { rows: HistoryRow[] }) => insertHistory(sql, input.rows),
    finishActions: (input: { results: ActionResult[] }) => finishActions(sql, input.results),

    setBulkStatus: (input: { bulkId: string; status: BulkStatus }) => setBulkStatus(sql, input.bulkId, input.status),
    listBulkTiers: (input: { bulkId: string; phase: BulkPhase }) => bulkTiers(sql, input.bulkId, input.phase),
    loadBulkMembers: (input: {
      bulkId: string;
      phase: BulkPhase;
      tier: number;
      descending: boolean;
      after?: MemberCursor;
      limit: number;
    }) => bulkMembers(sql, input),
    bulkTierFailed: (input: { bulkId: string; phase: BulkPhase; tier: number }) =>
      tierFailed(sql, input.bulkId, input.phase, input.tier),
    skipPendingBulkMembers: (input: { bulkId: string; reason: string }) =>
      skipPendingMembers(sql, input.bulkId, input.reason),
    createCompensations: (input: { bulkId: string }) => insertCompensations(sql, input.bulkId),
  };
}
