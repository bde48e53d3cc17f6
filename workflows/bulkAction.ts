import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BulkMember, BulkPhase, MemberCursor } from '../db/bulkActions';
import type { ActionType } from '../domain/action';
import type { BulkActionInput } from '../domain/bulk';
import { runsDescending } from '../domain/tierOrder';
import { batchesOf } from './batches';
import { BulkProgress } from './bulkProgress';
import { bulkProgressQuery } from './messages';
import { transitionFor } from './transitions';
import { runInTurn, Wakeups } from './turns';

const { setBulkStatus, listBulkTiers, loadBulkMembers, bulkTierFailed, skipPendingBulkMembers, createCompensations } =
  proxyActivities<Activities>({
    // Short: after a worker dies, a lost read or write is retried this soon.
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
  });

/** Where a bulk action is: carried across continue-as-new. */
export interface BulkCursor {
  phase: BulkPhase;
  tierIndex: number;
  after?: MemberCursor;
}

/** Members loaded from the projection at a time: bounds what one activity result and one history carry. */
const pageSize = 500;

const opposite = (type: ActionType): ActionType => (type === 'start' ? 'stop' : 'start');

/**
 * A bulk start or stop of a resource group, tier by tier: a tier begins only
 * when every member of the previous one has reached its target state or
 * failed. Members are read from the projection a page at a time and run in
 * batches, at most `concurrency` resources in flight; the workflow continues
 * as new when its history grows, so a bulk of any size fits Temporal's limits.
 * Each member is an action with its own history rows.
 */
export async function bulkActionWorkflow(input: BulkActionInput, cursor?: BulkCursor): Promise<void> {
  const at: BulkCursor = cursor ?? { phase: 'forward', tierIndex: 0 };
  const progress = new BulkProgress(at.phase);
  setHandler(bulkProgressQuery, () => progress.snapshot());
  const wakeups = new Wakeups();
  if (!cursor) await setBulkStatus({ bulkId: input.bulkId, status: 'running' });

  const { phase } = at;
  const type = phase === 'forward' ? input.type : opposite(input.type);
  const descending = runsDescending(type);
  const tiers = (await listBulkTiers({ bulkId: input.bulkId, phase })).sort((a, b) => (descending ? b - a : a - b));

  for (let t = at.tierIndex; t < tiers.length; t++) {
    const tier = tiers[t]!;
    progress.enterTier(phase, tier);
    let after = t === at.tierIndex ? at.after : undefined;
    for (;;) {
      const page = await loadBulkMembers({ bulkId: input.bulkId, phase, tier, descending, after, limit: pageSize });
      if (page.length === 0) break;
      await runPage(type, page);
      const last = page[page.length - 1]!;
      after = { order: last.order, seq: last.seq };
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > 10_000) {
        await continueAsNew<typeof bulkActionWorkflow>(input, { phase, tierIndex: t, after });
      }
      if (page.length < pageSize) break;
    }

    const failed =
      phase === 'forward' &&
      input.failurePolicy !== 'continue' &&
      (await bulkTierFailed({ bulkId: input.bulkId, phase, tier }));
    if (failed && input.failurePolicy === 'halt') {
      await skipPendingBulkMembers({
        bulkId: input.bulkId,
        reason: `NotRun: the bulk action halted after a failure in tier ${tier} (failurePolicy halt)`,
      });
      await setBulkStatus({ bulkId: input.bulkId, status: 'halted' });
      return;
    }
    if (failed && input.failurePolicy === 'compensate') {
      await skipPendingBulkMembers({
        bulkId: input.bulkId,
        reason: `NotRun: the bulk action is undoing its tiers after a failure in tier ${tier} (failurePolicy compensate)`,
      });
      await createCompensations({ bulkId: input.bulkId });
      await setBulkStatus({ bulkId: input.bulkId, status: 'compensating' });
      await continueAsNew<typeof bulkActionWorkflow>(input, { phase: 'compensate', tierIndex: 0 });
    }
  }
  await setBulkStatus({ bulkId: input.bulkId, status: phase === 'forward' ? 'completed' : 'compensated' });

  /** Dispatches a page in order, batch by batch, keeping at most `concurrency` resources in flight. */
  async function runPage(type: ActionType, page: BulkMember[]): Promise<void> {
    const batches = batchesOf(page, (m) =>
      Math.min(transitionFor(m.resource.resourceType).batchSize, input.concurrency),
    );
    let inFlight = 0;
    const running: Promise<void>[] = [];
    for (const batch of batches) {
      await condition(() => inFlight === 0 || inFlight + batch.length <= input.concurrency);
      inFlight += batch.length;
      progress.started(batch.length);
      running.push(
        runBatch(type, batch).finally(() => {
          inFlight -= batch.length;
        }),
      );
    }
    await Promise.all(running);
  }

  async function runBatch(type: ActionType, batch: BulkMember[]): Promise<void> {
    let waiting = 0;
    const results = await runInTurn(type, batch, {
      wakeups,
      waiting: () => {
        if (waiting === 0) progress.waitingChanged(1);
        waiting = 1;
      },
      attribution: {
        orgId: input.orgId,
        changedBy: input.changedBy,
        changedByType: input.reason ?? 'bulk',
        scheduleId: input.scheduleId,
        execution: { bulkActionId: input.bulkId, ...(phase === 'compensate' ? { compensation: true } : {}) },
      },
    });
    if (waiting) progress.waitingChanged(-1);
    const failedCount = [...results.values()].filter((c) => c.errorMessage).length;
    progress.finished(results.size - failedCount, failedCount);
  }
}
