/**
 * Bulk benchmark: N EC2 instances (moto) in 3 tiers, stopped by one bulk
 * action, with a latency added to every EC2 call by the fault proxy.
 *
 *   npm run bench:bulk -- [--resources 1000] [--tiers 3] [--latency 200] [--concurrency 500]
 *                         [--rate 100] [--temporal-db memory|file]
 *
 * Prints the wall time from POST /actions/bulk to completion, the ideal
 * (tiers x provider calls on the critical path x latency), their ratio,
 * actions per second, and the CPU seconds each process spent, which shows
 * what bounds the run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { migrate } from '../db/migrate';
import { ensureOrganisation } from '../db/organisations';
import { createToken } from '../db/tokens';
import { AccountRegistry } from '../runtime/accounts';
import { connectDatabase } from '../runtime/database';
import { createLogger } from '../runtime/logger';
import { createWorker } from '../worker/createWorker';
import { Ec2Fixture } from '../test/support/ec2';
import { startFaultProxy } from '../test/support/faultProxy';
import { freePort } from '../test/support/freePort';
import { startMoto, startPostgres, startTemporal } from '../test/support/services';

const { values: opts } = parseArgs({
  options: {
    resources: { type: 'string', default: '1000' },
    tiers: { type: 'string', default: '3' },
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '500' },
    rate: { type: 'string', default: '100' },
    'temporal-db': { type: 'string', default: 'memory' },
  },
});
const resources = Number(opts.resources);
const tiers = Number(opts.tiers);
const latencyMs = Number(opts.latency);
const concurrency = Number(opts.concurrency);
const rate = Number(opts.rate);

process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
Runtime.install({ logger: new DefaultLogger('ERROR') });

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function pidsOf(pattern: RegExp): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return pattern.test(readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' '));
      } catch {
        return false;
      }
    })
    .map(Number);
}

const log = (...args: unknown[]) => console.error('[bench]', ...args);

const [temporal, postgres, moto] = await Promise.all([
  freePort().then((port) => startTemporal(port, { sqliteFile: opts['temporal-db'] === 'file' })),
  freePort().then(startPostgres),
  freePort().then(startMoto),
]);
const proxy = await startFaultProxy(moto.url);
const sql = connectDatabase(postgres.url, { max: 20 });
try {
  await migrate(sql);
  const org = await ensureOrganisation(sql, 'bench');
  const { token } = await createToken(sql, { orgId: org.id, email: 'bench@example.com' });
  const accounts = new AccountRegistry([
    { id: 'ca_bench', provider: 'aws', orgs: ['bench'], rateLimit: { perSecond: rate, burst: rate } },
  ]);

  log(`creating ${resources} instances in moto and a group of ${tiers} tiers`);
  const ec2 = new Ec2Fixture(moto.url);
  const ids: string[] = [];
  while (ids.length < resources) ids.push(...(await ec2.runInstances(Math.min(500, resources - ids.length))));
  const rows = ids.map((uid, i) => ({
    id: `res_bench_${i}`,
    org_id: org.id,
    resource_uid: uid,
    provider: 'aws',
    resource_type: 'aws-ec2',
    cloud_account_id: 'ca_bench',
    region: 'us-east-1',
  }));
  for (let i = 0; i < rows.length; i += 2000) await sql`INSERT INTO resources ${sql(rows.slice(i, i + 2000))}`;
  await sql`INSERT INTO resource_groups (id, org_id, name) VALUES ('grp_bench', ${org.id}, 'bench')`;
  const members = rows.map((r, i) => ({ group_id: 'grp_bench', resource_id: r.id, tier: i % tiers, order: i }));
  for (let i = 0; i < members.length; i += 2000)
    await sql`INSERT INTO group_members ${sql(members.slice(i, i + 2000))}`;

  const taskQueue = 'bench';
  const connection = await NativeConnection.connect({ address: temporal.url });
  const client = new Client({ connection: await Connection.connect({ address: temporal.url }) });
  const worker = await createWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({
      sql,
      accounts,
      temporal: client,
      aws: { ec2Endpoint: proxy.url, pollIntervalMs: latencyMs },
    }),
  });
  const workerRun = worker.run();
  const app = createApp({ sql, temporal: client, taskQueue, accounts, log: createLogger('silent', 'bench') });
  const apiPort = await freePort();
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: apiPort });
  const api = `http://127.0.0.1:${apiPort}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  proxy.reset();
  proxy.latencyMs = latencyMs;
  const processes = {
    'bench (API + worker)': [process.pid],
    'temporal dev server': pidsOf(/temporal server start-dev/),
    postgres: pidsOf(/postgres/),
    moto: pidsOf(/moto_server/),
  };
  const cpuBefore = Object.fromEntries(
    Object.entries(processes).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuSeconds(p), 0)]),
  );

  log(
    `stopping ${resources} resources: latency ${latencyMs} ms per EC2 call, concurrency ${concurrency}, rate limit ${rate}/s`,
  );
  const started = performance.now();
  const res = await fetch(`${api}/actions/bulk`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ type: 'stop', groupID: 'grp_bench', concurrency }),
  });
  const { data } = (await res.json()) as { data: { bulkActionID: string } };
  let status: { status: string; completed: number; failed: number };
  for (;;) {
    const poll = await fetch(`${api}/actions/bulk/${data.bulkActionID}`, { headers });
    status = ((await poll.json()) as { data: typeof status }).data;
    if (!['queued', 'running'].includes(status.status)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const wallMs = performance.now() - started;

  const cpuAfter = Object.fromEntries(
    Object.entries(processes).map(([k, pids]) => [k, pids.reduce((s, p) => s + cpuSeconds(p), 0)]),
  );
  const calls = new Map<string, { n: number; upstreamMs: number; max: number }>();
  for (const c of proxy.calls) {
    const agg = calls.get(c.action) ?? { n: 0, upstreamMs: 0, max: 0 };
    const ms = c.upstreamMs ?? 0;
    calls.set(c.action, { n: agg.n + 1, upstreamMs: agg.upstreamMs + ms, max: Math.max(agg.max, ms) });
  }
  // Per tier, the critical path is three EC2 calls: describe, stop, describe (moto changes state at once).
  const idealMs = tiers * 3 * latencyMs;
  const [{ events }] = await sql<[{ events: number }]>`SELECT count(*)::int AS events FROM state_history`;

  console.log(
    [
      `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, Temporal dev server (${opts['temporal-db']} SQLite)`,
      `bulk stop of ${resources} resources in ${tiers} tiers, ${latencyMs} ms per EC2 call, concurrency ${concurrency}, rate limit ${rate}/s`,
      `result: ${status!.status}, ${status!.completed} completed, ${status!.failed} failed, ${events} history rows`,
      `wall time: ${(wallMs / 1000).toFixed(2)} s`,
      `ideal:     ${(idealMs / 1000).toFixed(2)} s (${tiers} tiers x 3 EC2 calls x ${latencyMs} ms)`,
      `ratio:     ${(wallMs / idealMs).toFixed(2)}`,
      `actions/s: ${(resources / (wallMs / 1000)).toFixed(0)}`,
      `EC2 calls (count; mean and max time moto took to answer, latency excluded): ${[...calls]
        .map(([k, v]) => `${k} ${v.n} (${(v.upstreamMs / v.n).toFixed(0)} ms, max ${v.max.toFixed(0)} ms)`)
        .join(', ')}`,
      `CPU seconds during the run: ${Object.entries(processes)
        .map(([k]) => `${k} ${(cpuAfter[k]! - cpuBefore[k]!).toFixed(2)}`)
        .join(', ')}`,
    ].join('\n'),
  );

  server.close();
  worker.shutdown();
  await workerRun;
  await connection.close();
  await client.connection.close();
} finally {
  await proxy.stop();
  await sql.end();
  await Promise.all([temporal.stop(), postgres.stop(), moto.stop()]);
}
