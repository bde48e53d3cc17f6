import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
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
import { startMoto } from './moto';

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

const motoPort = 5005;

/**
 * `--moto`: EC2 is moto's server on loopback instead of AWS, with one demo
 * instance to stop and start.
 */
async function startMotoDemo(config: Config): Promise<{ instanceId: string; stop(): Promise<void> }> {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const moto = await startMoto(motoPort);
  config.aws.ec2Endpoint = moto.url;
  const ec2 = new EC2Client({ endpoint: moto.url, region: 'us-east-1' });
  const { Instances } = await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-12345678', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }),
  );
  return { instanceId: Instances![0]!.InstanceId!, stop: moto.stop };
}

function tryIt(apiUrl: string, instanceId: string): string[] {
  const body = (type: string) =>
    `'{"type":"${type}","resourceUID":"${instanceId}","provider":"aws","resourceType":"aws-ec2","cloudAccountID":"demo","region":"us-east-1"}'`;
  const post = (type: string) =>
    `  curl -s -X POST ${apiUrl}/actions -H "Authorization: Bearer $LAMPLIGHTER_TOKEN" -H 'Content-Type: application/json' -d ${body(type)}`;
  return [
    `EC2 is moto on 127.0.0.1:${motoPort}, with a demo instance ${instanceId} (running). Try:`,
    post('stop'),
    `  curl -s "${apiUrl}/state-history?resource_uid=${instanceId}" -H "Authorization: Bearer $LAMPLIGHTER_TOKEN"`,
    post('start'),
  ];
}

/** `npm start`: Temporal dev server, PostgreSQL, worker and API in one command. */
async function main(log: Logger): Promise<void> {
  const { values: flags } = parseArgs({ options: { moto: { type: 'boolean', default: false } } });
  const config = loadConfig({ ...defaults, ...process.env });
  installSdkLogging(log, config.logLevel);
  const temporal = await ensureTemporal(config, log);
  const demo = flags.moto ? await startMotoDemo(config) : undefined;
  const db = await openDatabase(config, log);
  await migrate(db.sql);
  const token = await firstToken(db.sql);
  const worker = await startWorker(config, db.sql, log);
  const api = await serveApi(config, db.sql, log);

  const database = config.databaseUrl
    ? 'DATABASE_URL'
    : `embedded PostgreSQL on 127.0.0.1:${config.embeddedPostgresPort}`;
  const lines = [
    '',
    'Lamplighter is running.',
    `  API          ${api.url}`,
    `  OpenAPI      ${api.url}/openapi.json (with your token)`,
    ...(temporal.uiUrl ? [`  Temporal UI  ${temporal.uiUrl}`] : []),
    `  Database     ${database}`,
    ...(token
      ? [
          '',
          'First API token, for admin@localhost in organisation "default" (shown once, store it now):',
          `  export LAMPLIGHTER_TOKEN=${token}`,
          '  More tokens: npm run token -- create --email you@example.com --org default',
        ]
      : []),
    '',
    ...(demo
      ? tryIt(api.url, demo.instanceId)
      : [`Try: curl -s -H "Authorization: Bearer $LAMPLIGHTER_TOKEN" ${api.url}/state-history`]),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));

  exitOnSignal(log, async () => {
    await api.stop();
    await worker.stop();
    await db.close();
    await demo?.stop();
    temporal.stop();
  });
  await worker.done;
}

// Quieter by default than the separate processes, so the banner stays readable.
const defaults = { LOG_LEVEL: 'warn' };

await runMain('lamplighter', main, defaults);
