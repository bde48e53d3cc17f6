import { migrate } from '../db/migrate';
import { loadConfig } from '../runtime/config';
import { openDatabase } from '../runtime/database';
import { exitOnSignal, runMain } from '../runtime/process';
import { installSdkLogging, startWorker } from './run';

/** `npm run worker`: one worker process; run as many as the load needs. */
await runMain('worker', async (log) => {
  const config = loadConfig();
  installSdkLogging(log, config.logLevel);
  const db = await openDatabase(config, log);
  await migrate(db.sql);
  const worker = await startWorker(config, db.sql, log);
  exitOnSignal(log, async () => {
    await worker.stop();
    await db.close();
  });
  await worker.done;
});
