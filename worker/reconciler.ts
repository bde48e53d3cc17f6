import type { Client } from '@temporalio/client';
import type { Sql } from 'postgres';
import { finishAction, listLongRunning, listUnstarted, markWorkflowStarted } from '../db/actions';
import { startActionWorkflow } from '../engine/startAction';
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

/**
 * Keeps the projection and Temporal in step: starts the workflow of every
 * intent the API recorded but could not start (Temporal down, API killed),
 * and fails actions whose workflow was terminated by hand, so that no action
 * stays pending or running for ever.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<{ started: number; orphaned: number }> {
  let started = 0;
  let orphaned = 0;
  for (const input of await listUnstarted(deps.sql, deps.unstartedAfterMs ?? 10_000)) {
    await startActionWorkflow(deps.client, deps.taskQueue, input);
    await markWorkflowStarted(deps.sql, input.actionId);
    deps.log.info({ actionId: input.actionId }, 'started the workflow of a recorded action');
    started++;
  }
  for (const input of await listLongRunning(deps.sql, deps.runningCheckAfterMs ?? 10 * 60_000)) {
    const { status } = await deps.client.workflow.getHandle(input.actionId).describe();
    if (status.name === 'RUNNING') continue;
    const errorMessage = `WorkflowClosed: the action's workflow ended as ${status.name} before recording a result`;
    await finishAction(deps.sql, {
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
    });
    deps.log.warn({ actionId: input.actionId, status: status.name }, 'failed an action whose workflow had ended');
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
