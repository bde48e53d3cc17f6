import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities, type Activities } from '../../activities';
import { createApp } from '../../api/app';
import { ensureOrganisation } from '../../db/organisations';
import { createToken } from '../../db/tokens';
import { AccountRegistry } from '../../runtime/accounts';
import { connectDatabase, type Sql } from '../../runtime/database';
import { createLogger } from '../../runtime/logger';
import { createWorker } from '../../worker/createWorker';
import { Ec2Fixture } from './ec2';
import { startFaultProxy, type FaultProxy } from './faultProxy';
import { quietSdkLogs } from './sdkLogs';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Caller {
  orgId: string;
  email: string;
  token: string;
}

/**
 * What one test file works with: the real API over HTTP, a worker on a task
 * queue of its own, the projection database, the Temporal client, and moto
 * behind a fault proxy.
 */
export interface Harness {
  sql: Sql;
  client: Client;
  taskQueue: string;
  proxy: FaultProxy;
  ec2: Ec2Fixture;
  apiUrl: string;
  /** A fresh organisation with one user and a token for it. */
  newCaller(email?: string): Promise<Caller>;
  request<T = any>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  /** Polls `GET /actions/{id}` until the action is succeeded or failed. */
  waitForAction(caller: Caller, actionId: string, timeoutMs?: number): Promise<any>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Replace some activities (workflow tests); the rest stay real. */
  activities?: Partial<Activities>;
  /** Override how the API reaches Temporal (e.g. an unreachable server). */
  apiClient?: Client;
  /** Configured cloud accounts; by default none (open mode: any AWS account id). */
  accounts?: AccountRegistry;
  /** false: no worker in this process (a test runs worker processes of its own on `taskQueue`). */
  worker?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  quietSdkLogs();
  const taskQueue = `test-${randomUUID()}`;
  const sql = connectDatabase(inject('databaseUrl'), { max: 10 });
  const proxy = await startFaultProxy(inject('motoUrl'));
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = new Client({ connection });
  const log = createLogger('silent', 'test');
  const accounts = options.accounts ?? new AccountRegistry();

  const nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker: Worker | undefined =
    options.worker === false
      ? undefined
      : await createWorker({
          connection: nativeConnection,
          namespace: 'default',
          taskQueue,
          activities: {
            ...createActivities({ sql, accounts, aws: { ec2Endpoint: proxy.url, pollIntervalMs: 100 } }),
            ...options.activities,
          },
          workflowBundle: { codePath: inject('workflowBundlePath') },
        });
  const workerRun = worker?.run();

  const app = createApp({ sql, temporal: options.apiClient ?? client, taskQueue, accounts, log });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request: Harness['request'] = async (method, path, { token, body, headers } = {}) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };

  return {
    sql,
    client,
    taskQueue,
    proxy,
    ec2: new Ec2Fixture(inject('motoUrl')),
    apiUrl,
    async newCaller(email = 'alice@example.com') {
      const org = await ensureOrganisation(sql, `org-${randomUUID()}`);
      const { token } = await createToken(sql, { orgId: org.id, email });
      return { orgId: org.id, email, token };
    },
    request,
    async waitForAction(caller, actionId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await request('GET', `/actions/${actionId}`, { token: caller.token });
        if (res.status === 200 && ['succeeded', 'failed'].includes(res.body.data.status)) return res.body.data;
        if (Date.now() > deadline)
          throw new Error(`action ${actionId} still ${res.body?.data?.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      worker?.shutdown();
      await workerRun;
      await nativeConnection.close();
      await connection.close();
      await proxy.stop();
      await sql.end();
    },
  };
}
