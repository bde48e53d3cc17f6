import { condition, getExternalWorkflowHandle, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionWorkflowInput } from '../domain/action';
import type { HistoryRow } from '../db/history';
import { ActionProgress } from './actionProgress';
import { runEc2Transition } from './ec2Transition';
import { failureMessage } from './failures';
import { actionProgressQuery, resourceFreedSignal } from './messages';
import type { StateChange, StepRunner } from './stateChange';

// Projection writes retry until the database answers: losing a record is
// worse than waiting for it.
const { claimResourceTurn, recordStateChange, finishAction } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

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
  await waitForTurn(input.actionId, progress);
  progress.running();

  const toRow = (change: StateChange): HistoryRow => ({
    dedupeKey: `${input.actionId}:${change.execution.step}`,
    orgId: input.orgId,
    actionId: input.actionId,
    resourceUid: input.resource.resourceUID,
    state: change.state,
    changedAt: change.at,
    changedBy: input.changedBy,
    changedByType: input.reason,
    scheduleId: input.scheduleId,
    executionState: change.execution,
    errorMessage: change.errorMessage,
  });
  const runner: StepRunner = {
    async run(step, fn) {
      progress.stepStarted(step);
      const result = await fn();
      progress.stepEnded({ step, status: 'succeeded' });
      return result;
    },
    record: (change) => recordStateChange(toRow(change)),
  };

  let final: StateChange;
  try {
    final = await runEc2Transition(input.type, input.resource, runner);
    progress.succeeded();
  } catch (error) {
    const errorMessage = failureMessage(error);
    final = {
      state: 'failed',
      at: new Date().toISOString(),
      execution: { step: progress.currentStep() ?? 'start', status: 'failed' },
      errorMessage,
    };
    progress.failed(errorMessage);
  }
  progress.stepEnded(final.execution);

  const status = final.errorMessage ? 'failed' : 'succeeded';
  const { next } = await finishAction({
    actionId: input.actionId,
    status,
    errorMessage: final.errorMessage,
    history: [toRow(final)],
  });
  if (next) await wakeNext(next);
  return { status, state: final.state, ...(final.errorMessage ? { errorMessage: final.errorMessage } : {}) };
}

/**
 * Two actions on one resource never interleave: the later one polls for its
 * turn with a growing interval, and is woken at once by the one before it.
 */
async function waitForTurn(actionId: string, progress: ActionProgress): Promise<void> {
  let woken = false;
  setHandler(resourceFreedSignal, () => {
    woken = true;
  });
  for (let interval = 1_000; ; interval = Math.min(interval * 2, 30_000)) {
    const claim = await claimResourceTurn({ actionId });
    if (claim.granted) return;
    progress.waiting(claim.blockedBy);
    woken = false;
    await condition(() => woken, interval);
  }
}

async function wakeNext(actionId: string): Promise<void> {
  try {
    await getExternalWorkflowHandle(actionId).signal(resourceFreedSignal);
  } catch {
    // Not started yet or already gone: it polls for its turn anyway.
  }
}
