import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import { finishActions, listLongRunning, listUnstarted, markWorkflowStarted } from '../db/actions';
import { abandonBulkAction, listLongRunningBulk, listUnstartedBulk, markBulkWorkflowStarted } from '../db/bulkActions';
import { startActionWorkflow } from '../engine/startAction';
import { listUnstartedOverrides, markOverrideWorkflowStarted } from '../db/overrides';
import { listSchedulesToSync } from '../db/schedules';
import { syncScheduleNow } from '../engine/schedules';
import { startBulkWorkflow } from '../engine/startBulk';
import { startOverrideWorkflow } from '../engine/startOverride';
import type { Logger } from '../runtime/logger';

export interface ReconcilerDeps {
  sql: Sql;
  client: Client;
  taskQueue: string;
  log: Logger;
  intervalMs?: number;
  /** How long an intent may wait for its workflow before the reconciler starts it. */
  unstartedAfterMs?: number;
  /** How long an action may run before its workflow is checked for life. */
  runningCheckAfterMs?: number;
}

async function workflowStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') return 'NOT_FOUND';
    throw error;
  }
}

/**
 * Keeps the projection and Temporal in step: starts the workflow of every
 * action, bulk action or override the API recorded but could not start
 * (Temporal down, API killed), syncs schedules Temporal is behind on, and
 * fails actions whose workflow was terminated by hand, so that no action
 * stays pending or running for ever.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<{ started: number; orphaned: number }> {
  const { sql, client, taskQueue, log } = deps;
  let started = 0;
  let orphaned = 0;
  for (const input of await listUnstarted(sql, deps.unstartedAfterMs ?? 10_000)) {
    await startActionWorkflow(client, taskQueue, input);
    await markWorkflowStarted(sql, input.actionId);
    log.info({ actionId: input.actionId }, 'started the workflow of a recorded action');
    started++;
  }
  for (const bulk of await listUnstartedBulk(sql, deps.unstartedAfterMs ?? 10_000)) {
    await startBulkWorkflow(client, taskQueue, bulk);
    await markBulkWorkflowStarted(sql, bulk.bulkId);
    log.info({ bulkActionId: bulk.bulkId }, 'started the workflow of a recorded bulk action');
    started++;
  }
  for (const o of await listUnstartedOverrides(sql, deps.unstartedAfterMs ?? 10_000)) {
    await startOverrideWorkflow(client, taskQueue, { overrideId: o.id, orgId: o.orgId, action: o.action });
    await markOverrideWorkflowStarted(sql, o.id);
    log.info({ overrideId: o.id }, 'started the workflow of a recorded override');
    started++;
  }
  for (const scheduleId of await listSchedulesToSync(sql, deps.unstartedAfterMs ?? 10_000)) {
    await syncScheduleNow(sql, client, taskQueue, scheduleId);
    log.info({ scheduleId }, 'brought a schedule in step with Temporal');
    started++;
  }

  const runningCheckAfterMs = deps.runningCheckAfterMs ?? 10 * 60_000;
  for (const bulkId of await listLongRunningBulk(sql, runningCheckAfterMs)) {
    const status = await workflowStatus(client, bulkId);
    if (status === 'RUNNING') continue;
    await abandonBulkAction(sql, bulkId, `WorkflowClosed: the bulk action's workflow ended as ${status}`);
    log.warn({ bulkActionId: bulkId, status }, 'ended a bulk action whose workflow had ended');
    orphaned++;
  }
  for (const { workflowId, input } of await listLongRunning(sql, runningCheckAfterMs)) {
    const status = await workflowStatus(client, workflowId);
    if (status === 'RUNNING') continue;
    const errorMessage = `WorkflowClosed: the action's workflow ended as ${status} before recording a result`;
    await finishActions(sql, [
      {
        actionId: input.actionId,
        status: 'failed',
        errorMessage,
        history: [
          {
            dedupeKey: `${input.actionId}:reconciled`,
            orgId: input.orgId,
            actionId: input.actionId,
            resourceUid: input.resource.resourceUID,
            state: 'failed',
            changedAt: new Date().toISOString(),
            changedBy: input.changedBy,
            changedByType: input.reason,
            scheduleId: input.scheduleId,
            executionState: { step: 'reconcile', status: 'failed' },
            errorMessage,
          },
        ],
      },
    ]);
    log.warn({ actionId: input.actionId, status }, 'failed an action whose workflow had ended');
    orphaned++;
  }
  return { started, orphaned };
}

export function startReconciler(deps: ReconcilerDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    running = reconcileOnce(deps)
      .catch((error) => deps.log.warn({ err: error }, 'reconciler pass failed; will retry'))
      .finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, deps.intervalMs ?? 15_000);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
