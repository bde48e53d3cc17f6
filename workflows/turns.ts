import { condition, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActionType } from '../domain/action';
import type { ChangedByType } from '../domain/changedBy';
import type { HistoryRow } from '../db/history';
import { resourceFreedSignal } from './messages';
import type { Member, StateChange, TransitionHooks } from './stateChange';
import { transitionFor } from './transitions';

// Projection writes retry until the database answers: losing a record is
// worse than waiting for it.
const { claimResourceTurns, recordStateChanges, finishActions } = proxyActivities<Activities>({
  // Short: after a worker dies, a lost write is retried this soon.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

/** Counts `resourceFreed` signals, so that any number of waiters can wait for the next one. */
export class Wakeups {
  private count = 0;

  constructor() {
    setHandler(resourceFreedSignal, () => {
      this.count++;
    });
  }

  /** Resolves on the next signal, or after `timeoutMs`. */
  async next(timeoutMs: number): Promise<void> {
    const seen = this.count;
    await condition(() => this.count > seen, timeoutMs);
  }
}

/** Who the actions are for and who asked: the same on every history row they write. */
export interface Attribution {
  orgId: string;
  changedBy: string;
  changedByType: ChangedByType;
  scheduleId?: string;
  /** Added to each row's executionState (e.g. the bulk action id). */
  execution?: Record<string, unknown>;
}

/** The history row of a member's state change; one per action and step, so a rewrite is a no-op. */
export function historyRow(by: Attribution, member: Member, change: StateChange): HistoryRow {
  return {
    dedupeKey: `${member.actionId}:${change.execution.step}`,
    orgId: by.orgId,
    actionId: member.actionId,
    resourceUid: member.resource.resourceUID,
    state: change.state,
    changedAt: change.at,
    changedBy: by.changedBy,
    changedByType: by.changedByType,
    scheduleId: by.scheduleId,
    executionState: { ...change.execution, ...by.execution },
    errorMessage: change.errorMessage,
  };
}

export interface TurnOptions {
  wakeups: Wakeups;
  attribution: Attribution;
  step?: TransitionHooks['step'];
  /** Called while members wait for earlier actions on their resources. */
  waiting?(blockedBy: string): void;
}

/**
 * Runs members (one resource type, account and region) in their turn: two
 * actions on one resource never interleave. Members whose resource is busy
 * wait, polling with a growing interval and woken at once by the action
 * before them; the others go ahead. Each member ends succeeded or failed,
 * with its last history row written in the same transaction.
 */
export async function runInTurn(
  type: ActionType,
  members: Member[],
  options: TurnOptions,
): Promise<Map<string, StateChange>> {
  const results = new Map<string, StateChange>();
  const transition = transitionFor(members[0]!.resource.resourceType);
  const hooks: TransitionHooks = {
    record: (changes) =>
      recordStateChanges({ rows: changes.map((c) => historyRow(options.attribution, c.member, c.change)) }),
    step: options.step,
  };
  let remaining = members;
  for (let interval = 1_000; remaining.length > 0; interval = Math.min(interval * 2, 30_000)) {
    const { granted, blocked } = await claimResourceTurns({ actionIds: remaining.map((m) => m.actionId) });
    const go = new Set(granted);
    const ready = remaining.filter((m) => go.has(m.actionId));
    if (ready.length > 0) {
      const finals = await transition.run(type, ready, hooks);
      for (const [actionId, change] of finals) results.set(actionId, change);
      const { wake } = await finishActions({
        results: ready.map((m) => {
          const change = finals.get(m.actionId)!;
          return {
            actionId: m.actionId,
            status: change.errorMessage ? ('failed' as const) : ('succeeded' as const),
            errorMessage: change.errorMessage,
            history: [historyRow(options.attribution, m, change)],
          };
        }),
      });
      await Promise.all(wake.map(wakeUp));
      interval = 1_000;
    }
    const waitingIds = new Set(blocked.map((b) => b.actionId));
    remaining = remaining.filter((m) => waitingIds.has(m.actionId));
    if (remaining.length > 0) {
      options.waiting?.(blocked[0]!.blockedBy);
      await options.wakeups.next(interval);
    }
  }
  return results;
}

async function wakeUp(workflowId: string): Promise<void> {
  if (workflowId === workflowInfo().workflowId) return;
  try {
    await getExternalWorkflowHandle(workflowId).signal(resourceFreedSignal);
  } catch {
    // Not started yet or already gone: it polls for its turn anyway.
  }
}
