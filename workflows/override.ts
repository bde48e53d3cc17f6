import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { runPrepared } from './children';
import { cancelOverrideSignal, extendOverrideSignal, overrideUntilQuery } from './messages';

const { overrideState, applyOverride, expireOverride, endOverride } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '30 seconds' },
});

/**
 * "Keep this running until 22:00": applies the action now, holds on a durable
 * timer (it fires even if no worker ran at that time, as soon as one does),
 * then returns the resources to what their schedules say at that moment.
 * Schedules leave the resources alone meanwhile (they check for active overrides).
 */
export async function overrideWorkflow(input: { overrideId: string }): Promise<'expired' | 'cancelled'> {
  const state = await overrideState(input);
  let until = Date.parse(state.until);
  let cancelled = state.cancelRequested;
  setHandler(extendOverrideSignal, ({ until: next }) => {
    until = Date.parse(next);
  });
  setHandler(cancelOverrideSignal, () => {
    cancelled = true;
  });
  setHandler(overrideUntilQuery, () => new Date(until).toISOString());

  if (state.status !== 'active') return state.status === 'cancelled' ? 'cancelled' : 'expired';
  if (!cancelled) await runPrepared(await applyOverride(input));

  // Sleep until the end, waking early when the end moves or the override is cancelled.
  while (!cancelled && Date.now() < until) {
    const end = until;
    await condition(() => cancelled || until !== end, end - Date.now());
  }

  const status = cancelled ? 'cancelled' : 'expired';
  for (const run of await expireOverride(input)) await runPrepared(run);
  await endOverride({ ...input, status });
  return status;
}
