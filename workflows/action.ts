import { setHandler } from '@temporalio/workflow';
import type { ActionWorkflowInput } from '../domain/action';
import { ActionProgress } from './actionProgress';
import { actionProgressQuery } from './messages';
import { runInTurn, Wakeups } from './turns';

export interface ActionResult {
  status: 'succeeded' | 'failed';
  state: string;
  errorMessage?: string;
}

/**
 * One start or stop of one resource: wait for the resource's earlier actions,
 * run the provider's steps, and record each state change in history.
 * pending -> running -> succeeded | failed.
 */
export async function actionWorkflow(input: ActionWorkflowInput): Promise<ActionResult> {
  const progress = new ActionProgress();
  setHandler(actionProgressQuery, () => progress.snapshot());
  const member = { actionId: input.actionId, resource: input.resource };

  const results = await runInTurn(input.type, [member], {
    wakeups: new Wakeups(),
    waiting: (blockedBy) => progress.waiting(blockedBy),
    step: (step, status) => {
      progress.running();
      if (status === 'running') progress.stepStarted(step);
      else progress.stepEnded({ step, status });
    },
    attribution: {
      orgId: input.orgId,
      changedBy: input.changedBy,
      changedByType: input.reason,
      scheduleId: input.scheduleId,
    },
  });

  const final = results.get(input.actionId)!;
  progress.stepEnded(final.execution);
  if (final.errorMessage) progress.failed(final.errorMessage);
  else progress.succeeded();
  return final.errorMessage
    ? { status: 'failed', state: final.state, errorMessage: final.errorMessage }
    : { status: 'succeeded', state: final.state };
}
