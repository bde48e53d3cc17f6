import { executeChild, ParentClosePolicy } from '@temporalio/workflow';
import type { PreparedRun } from '../domain/preparedRun';
import { actionSearchAttributes, bulkSearchAttributes } from '../domain/workflowSearchAttributes';
import { actionWorkflow } from './action';
import { bulkActionWorkflow } from './bulkAction';

/**
 * Runs what a schedule's or override's run prepared, as a child workflow with
 * the same id and search attributes it would have on its own, and waits for it.
 * The child outlives a cancelled or terminated parent: half a bulk action is
 * worse than a whole one.
 */
export async function runPrepared(run: PreparedRun): Promise<void> {
  if (run.kind === 'bulk') {
    await executeChild(bulkActionWorkflow, {
      workflowId: run.input.bulkId,
      args: [run.input],
      typedSearchAttributes: bulkSearchAttributes(run.input),
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } else if (run.kind === 'action') {
    await executeChild(actionWorkflow, {
      workflowId: run.input.actionId,
      args: [run.input],
      typedSearchAttributes: actionSearchAttributes(run.input),
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  }
}
