import { describe, expect, it } from 'vitest';
import { ActionProgress } from '../../workflows/actionProgress';

describe('ActionProgress', () => {
  it('follows an action from pending to failed, attributing the failure to the running step', () => {
    const progress = new ActionProgress();
    progress.waiting('act_before');
    expect(progress.snapshot()).toEqual({ status: 'pending', waitingFor: 'act_before', steps: [] });
    progress.running();
    progress.stepStarted('stop-instance');
    progress.stepEnded({ step: 'stop-instance', status: 'succeeded' });
    progress.stepStarted('wait-stopped');
    expect(progress.currentStep()).toBe('wait-stopped');
    progress.failed('Timeout');
    progress.stepEnded({ step: 'wait-stopped', status: 'failed' });
    expect(progress.snapshot()).toEqual({
      status: 'failed',
      errorMessage: 'Timeout',
      steps: [
        { step: 'stop-instance', status: 'succeeded' },
        { step: 'wait-stopped', status: 'failed' },
      ],
    });
  });

  it('hands out copies, so a query cannot change the state', () => {
    const progress = new ActionProgress();
    progress.stepStarted('a');
    progress.snapshot().steps[0]!.status = 'failed';
    expect(progress.snapshot().steps[0]!.status).toBe('running');
  });
});
