import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Activities } from '../../activities';
import type { ActionWorkflowInput } from '../../domain/action';
import type { ActionResult } from '../../workflows/action';
import { quietSdkLogs } from './sdkLogs';

/** A worker with the real workflow bundle and the given activities, on a task queue of its own. */
export async function startWorkflowWorker(activities: Partial<Activities>) {
  quietSdkLogs();
  const taskQueue = `wf-test-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const clientConnection = await Connection.connect({ address: inject('temporalAddress') });
  const worker = await Worker.create({
    connection,
    taskQueue,
    activities,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();
  return {
    taskQueue,
    client: new Client({ connection: clientConnection }),
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
    },
  };
}

/** Runs `actionWorkflow` for one input to its end, on a worker of its own; answers its result. */
export async function runActionWorkflow(
  activities: Partial<Activities>,
  input: ActionWorkflowInput,
): Promise<ActionResult> {
  const worker = await startWorkflowWorker(activities);
  try {
    const handle = await worker.client.workflow.start('actionWorkflow', {
      workflowId: input.actionId,
      taskQueue: worker.taskQueue,
      args: [input],
    });
    return await handle.result();
  } finally {
    await worker.stop();
  }
}
