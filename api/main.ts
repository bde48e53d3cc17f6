import { migrate } from '../db/migrate';
import { loadConfig } from '../runtime/config';
import { openDatabase } from '../runtime/database';
import { exitOnSignal, runMain } from '../runtime/process';
import { serveApi } from './serve';

/** `npm run api`: the HTTP API alone; scale it out behind a load balancer. */
await runMain('api', async (log) => {
  const config = loadConfig();
  const db = await openDatabase(config, log);
  await migrate(db.sql);
  const api = await serveApi(config, db.sql, log);
  exitOnSignal(log, async () => {
    await api.stop();
    await db.close();
  });
});
