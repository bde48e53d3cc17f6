import { serve } from '@hono/node-server';
import type { Sql } from 'postgres';
import { AccountRegistry } from '../runtime/accounts';
import type { Config } from '../runtime/config';
import type { Logger } from '../runtime/logger';
import { connectClient } from '../runtime/temporal';
import { createApp } from './app';

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** The API process: the Hono app on Node's HTTP server. */
export async function serveApi(config: Config, sql: Sql, log: Logger): Promise<RunningApi> {
  const temporal = await connectClient(config.temporal);
  const accounts = await AccountRegistry.load(config.accountsFile);
  const app = createApp({ sql, temporal, taskQueue: config.temporal.taskQueue, accounts, log });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.api.host, port: config.api.port }, () => resolve(s));
    s.once('error', reject);
  });
  const url = `http://${config.api.host}:${config.api.port}`;
  log.info({ url }, 'API listening');
  return {
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.connection.close();
    },
  };
}
