import { ApplicationFailure } from '@temporalio/activity';
import type { Activities } from '../../activities';
import type { HistoryRow } from '../../db/history';
import type { InstanceOutcome } from '../../activities/ec2/instances';

/**
 * Activities for workflow tests: a provider that behaves as scripted and a
 * projection that only remembers what it was asked to write. Everything the
 * workflow does goes through a real Temporal server.
 */
export class FakeActivities {
  readonly rows: HistoryRow[] = [];
  readonly finished: Parameters<Activities['finishAction']>[0][] = [];
  readonly calls: string[] = [];
  /** Claims refused before the turn is granted. */
  claimsRefused = 0;
  /** Instance state the fake provider starts from. */
  instanceState = 'running';
  /** Errors thrown by the next calls of an activity, in order. */
  readonly failures: Partial<Record<keyof Activities, Error[]>> = {};

  private fail(name: keyof Activities): void {
    this.calls.push(name);
    const next = this.failures[name]?.shift();
    if (next) throw next;
  }

  activities(): Partial<Activities> {
    const at = '2026-01-01T00:00:00.000Z';
    const change =
      (target: string, transitional: string) =>
      async ({ instanceIds }: { instanceIds: string[] }) => {
        this.fail(target === 'stopped' ? 'stopInstances' : 'startInstances');
        const previousState = this.instanceState;
        if (previousState === target) {
          return instanceIds.map((instanceId): InstanceOutcome => ({
            instanceId,
            status: 'unchanged',
            state: target,
            at,
          }));
        }
        this.instanceState = target;
        return instanceIds.map((instanceId): InstanceOutcome => ({
          instanceId,
          status: 'changed',
          previousState,
          state: transitional,
          at,
        }));
      };
    return {
      claimResourceTurn: async () => {
        this.calls.push('claimResourceTurn');
        if (this.claimsRefused > 0) {
          this.claimsRefused--;
          return { granted: false, blockedBy: 'act_earlier' };
        }
        return { granted: true };
      },
      stopInstances: change('stopped', 'stopping'),
      startInstances: change('running', 'pending'),
      waitForInstanceStates: async ({ instanceIds, state }) => {
        this.fail('waitForInstanceStates');
        return instanceIds.map((instanceId): InstanceOutcome => ({ instanceId, status: 'reached', state, at }));
      },
      recordStateChange: async (row) => {
        this.calls.push('recordStateChange');
        this.rows.push(row);
      },
      finishAction: async (input) => {
        this.calls.push('finishAction');
        this.finished.push(input);
        this.rows.push(...input.history);
        return {};
      },
    };
  }
}

export const permanent = (code: string, message: string) =>
  ApplicationFailure.create({ type: code, message: `${code}: ${message}`, nonRetryable: true });
export const retryable = (code: string, message: string) =>
  ApplicationFailure.create({ type: code, message: `${code}: ${message}` });
