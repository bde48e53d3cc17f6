import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PreparedRun } from '../domain/preparedRun';
import { runPrepared } from './children';
import type { ScheduledRunInput } from './scheduledRunInput';

const { prepareScheduledRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

/** Set by Temporal on every workflow a Schedule starts: the time it was due. */
const scheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * One fire of a schedule entry, started by its Temporal Schedule: decides what
 * the fire does (recorded, so nothing a schedule does is silent) and runs it.
 */
export async function scheduledRunWorkflow(input: ScheduledRunInput): Promise<PreparedRun> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(scheduledStartTime) ?? info.startTime;
  const prepared = await prepareScheduledRun({ ...input, scheduledAt: scheduledAt.toISOString() });
  await runPrepared(prepared);
  return prepared;
}
