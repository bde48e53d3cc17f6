import type { BulkPhase } from '../db/bulkActions';

export interface BulkSnapshot {
  phase: BulkPhase;
  /** The tier being worked on, if any. */
  tier?: number;
  /** Members of this run of the workflow that have finished, by outcome. */
  succeeded: number;
  failed: number;
  inFlight: number;
  /** Members waiting for earlier actions on their resources. */
  waiting: number;
}

/** Live progress of one run of a bulk workflow, for the progress query. */
export class BulkProgress {
  private snapshotState: BulkSnapshot;

  constructor(phase: BulkPhase) {
    this.snapshotState = { phase, succeeded: 0, failed: 0, inFlight: 0, waiting: 0 };
  }

  enterTier(phase: BulkPhase, tier: number): void {
    this.snapshotState = { ...this.snapshotState, phase, tier };
  }

  started(n: number): void {
    this.snapshotState.inFlight += n;
  }

  finished(succeeded: number, failed: number): void {
    this.snapshotState.succeeded += succeeded;
    this.snapshotState.failed += failed;
    this.snapshotState.inFlight -= succeeded + failed;
  }

  waitingChanged(delta: number): void {
    this.snapshotState.waiting += delta;
  }

  snapshot(): BulkSnapshot {
    return { ...this.snapshotState };
  }
}
