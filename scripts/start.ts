import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { serveApi } from '../api/serve';
import { migrate } from '../db/migrate';
import { ensureOrganisation } from '../db/organisations';
import { countTokens, createToken } from '../db/tokens';
import { loadConfig, type Config } from '../runtime/config';
import { openDatabase } from '../runtime/database';
import type { Logger } from '../runtime/logger';
import { exitOnSignal, runMain } from '../runtime/process';
import { installSdkLogging, startWorker } from '../worker/run';

const devScript = fileURLToPath(new URL('../temporal-dev.sh', import.meta.url));

async function temporalAnswers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.workflowService.getSystemInfo({});
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** Starts the local dev server when the configured Temporal is local and not up. */
async function ensureTemporal(config: Config, log: Logger): Promise<{ uiUrl?: string; stop(): void }> {
  const { address } = config.temporal;
  const [host, port] = address.split(':');
  const local = host === '127.0.0.1' || host === 'localhost';
  const uiUrl = local ? `http://127.0.0.1:${Number(port) + 1000}` : undefined;
  if (await temporalAnswers(address)) return { uiUrl, stop: () => {} };
  if (!local) throw new Error(`Temporal does not answer at ${address}`);
  log.info('starting the Temporal dev server (./temporal-dev.sh)');
  const env = { ...process.env, TEMPORAL_PORT: port, TEMPORAL_NAMESPACE: config.temporal.namespace };
  const started = spawnSync(devScript, [], { stdio: 'inherit', env });
  if (started.status !== 0) throw new Error('temporal-dev.sh failed; see its output above');
  return { uiUrl, stop: () => void spawnSync(devScript, ['stop'], { stdio: 'inherit', env }) };
}

async function firstToken(sql: Parameters<typeof countTokens>[0]): Promise<string | undefined> {
  if ((await countTokens(sql)) > 0) return undefined;
  const org = await ensureOrganisation(sql, 'default');
  const { token } = await createToken(sql, { orgId: org.id, email: 'admin@localhost', label: 'created by npm start' });
  return token;
}

/** `npm start`: Temporal dev server, PostgreSQL, worker and API in one command. */
await runMain('lamplighter', async (log) => {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  installSdkLogging(log, config.logLevel);
  const temporal = await ensureTemporal(config, log);
  const db = await openDatabase(config, log);
  await migrate(db.sql);
  const token = await firstToken(db.sql);
  const worker = await startWorker(config, db.sql, log);
  const api = await serveApi(config, db.sql, log);

  const lines = [
    '',
    'Lamplighter is running.',
    `  API          ${api.url}`,
    `  OpenAPI      ${api.url}/openapi.json (with your token)`,
    ...(temporal.uiUrl ? [`  Temporal UI  ${temporal.uiUrl}`] : []),
    `  Database     ${config.databaseUrl ? 'DATABASE_URL' : `embedded PostgreSQL on 127.0.0.1:${config.embeddedPostgresPort}`}`,
    ...(token
      ? [
          '',
          'First API token, for admin@localhost in organisation "default" (shown once, store it now):',
          `  export LAMPLIGHTER_TOKEN=${token}`,
          '  More tokens: npm run token -- create --email you@example.com --org default',
        ]
      : []),
    '',
    `Try: curl -s -H "Authorization: Bearer $LAMPLIGHTER_TOKEN" ${api.url}/state-history`,
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));

  exitOnSignal(log, async () => {
    await api.stop();
    await worker.stop();
    await db.close();
    temporal.stop();
  });
  await worker.done;
});
