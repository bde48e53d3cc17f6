import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Sql } from 'postgres';
import { createActivities } from '../activities';
import { AccountRegistry } from '../runtime/accounts';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { connectClient, connectWorker } from '../runtime/temporal';
import { createWorker } from './createWorker';
import { startReconciler } from './reconciler';

const sdkLevels: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/** Sends the SDK's own logs through our logger (once per process: the SDK allows one Runtime). */
export function installSdkLogging(log: Logger, level: string): void {
  Runtime.install({
    logger: new DefaultLogger(sdkLevels[level] ?? 'WARN', ({ level: l, message, meta }) => {
      const method = l === 'ERROR' ? 'error' : l === 'WARN' ? 'warn' : l === 'INFO' ? 'info' : 'debug';
      log[method]({ sdk: meta }, message);
    }),
  });
}

export interface RunningWorker {
  /** Settles when the worker stops (after stop(), or on a fatal error). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** The worker process: workflows and activities on the task queue, plus the reconciler. */
export async function startWorker(config: Config, sql: Sql, log: Logger): Promise<RunningWorker> {
  const connection = await connectWorker(config.temporal);
  const client = await connectClient(config.temporal);
  const accounts = await AccountRegistry.load(config.accountsFile);
  const worker = await createWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({ sql, aws: config.aws, accounts, temporal: client }),
  });
  const reconciler = startReconciler({ sql, client, taskQueue: config.temporal.taskQueue, log });
  const done = worker.run();
  log.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker polling');
  return {
    done,
    async stop() {
      await reconciler.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
      await client.connection.close();
      await connection.close();
    },
  };
}
