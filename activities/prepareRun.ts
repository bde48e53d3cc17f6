import type { TransactionSql } from 'postgres';
import { insertAction } from '../db/actions';
import { insertBulkAction, newBulkId } from '../db/bulkActions';
import { getGroup, groupMembers, type MemberWithResource } from '../db/groups';
import { getResource } from '../db/resources';
import type { ActionType } from '../domain/action';
import type { FailurePolicy } from '../domain/bulk';
import type { ChangedByType } from '../domain/changedBy';
import { newId } from '../domain/ids';
import type { PreparedRun } from '../domain/preparedRun';
import { refOf } from '../domain/inventory';

export type Target = { groupID: string } | { resourceID: string };

/** The resources a schedule or override acts on now: a group's members, or one resource. */
export async function targetMembers(tx: TransactionSql, orgId: string, target: Target): Promise<MemberWithResource[]> {
  if ('groupID' in target) return (await getGroup(tx, orgId, target.groupID)) ? groupMembers(tx, target.groupID) : [];
  const resource = await getResource(tx, orgId, target.resourceID);
  return resource ? [{ resourceID: resource.id, tier: 0, order: 0, resource }] : [];
}

export interface RunRequest {
  orgId: string;
  type: ActionType;
  target: Target;
  members: MemberWithResource[];
  changedBy: string;
  reason: ChangedByType;
  scheduleId?: string;
  /** Unique per run: a retried activity finds what the first attempt recorded. */
  key: string;
  failurePolicy: FailurePolicy;
  concurrency: number;
}

/**
 * Records the actions of a schedule's or override's run: a bulk action for a
 * group, a single action for a resource. Idempotent through `key`; the parent
 * workflow starts what it answers.
 */
export async function prepareRun(tx: TransactionSql, run: RunRequest): Promise<PreparedRun> {
  const idempotency = { key: run.key, requestHash: run.key };
  if ('resourceID' in run.target && run.members.length === 1) {
    const { resource } = run.members[0]!;
    const input = {
      actionId: newId('act'),
      orgId: run.orgId,
      type: run.type,
      resource: refOf(resource),
      changedBy: run.changedBy,
      reason: run.reason,
      ...(run.scheduleId ? { scheduleId: run.scheduleId } : {}),
    };
    const recorded = await insertAction(tx, input, idempotency, { startedByParent: true });
    return { kind: 'action', input: recorded.inserted ? input : recorded.input };
  }
  const bulkId = newBulkId();
  const recorded = await insertBulkAction(
    tx,
    {
      id: bulkId,
      orgId: run.orgId,
      groupId: 'groupID' in run.target ? run.target.groupID : run.members[0]!.resourceID,
      type: run.type,
      failurePolicy: run.failurePolicy,
      concurrency: run.concurrency,
      changedBy: run.changedBy,
      reason: run.reason,
      scheduleId: run.scheduleId,
      idempotency,
      startedByParent: true,
    },
    run.members,
  );
  return {
    kind: 'bulk',
    input: {
      bulkId: recorded.id,
      orgId: run.orgId,
      type: run.type,
      failurePolicy: run.failurePolicy,
      concurrency: run.concurrency,
      changedBy: run.changedBy,
      reason: run.reason,
      ...(run.scheduleId ? { scheduleId: run.scheduleId } : {}),
    },
  };
}
