import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP proxy between the EC2 SDK and moto. moto answers instantly and
 * never fails, so this is where tests and benchmarks add what real EC2 does:
 * latency, throttling, capacity errors. It also records every call, so a test
 * can assert that no provider call was made.
 */

export interface InjectedError {
  /** EC2 error code, e.g. RequestLimitExceeded. */
  code: string;
  message: string;
  status: number;
}

export interface FaultRule {
  /** EC2 API action, e.g. StopInstances. */
  action: string;
  /** How many matching calls fail before calls pass again. */
  times: number;
  error: InjectedError;
  /** Only calls naming this instance id match. */
  instanceId?: string;
}

export interface RecordedCall {
  action: string;
  instanceIds: string[];
  at: number;
  injected?: string;
  /** How long the upstream (moto) took to answer, without the added latency. */
  upstreamMs?: number;
}

export const throttling: InjectedError = {
  code: 'RequestLimitExceeded',
  message: 'Request limit exceeded.',
  status: 503,
};
export const insufficientCapacity: InjectedError = {
  code: 'InsufficientInstanceCapacity',
  message: 'We currently do not have sufficient capacity in the Availability Zone you requested.',
  status: 500,
};

export class FaultProxy {
  readonly calls: RecordedCall[] = [];
  private rules: FaultRule[] = [];
  /** Added to every call before it is answered. */
  latencyMs = 0;

  constructor(
    readonly url: string,
    private readonly close: () => Promise<void>,
  ) {}

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  /** Calls of one action, optionally only those naming an instance. */
  count(action: string, instanceId?: string): number {
    return this.calls.filter((c) => c.action === action && (!instanceId || c.instanceIds.includes(instanceId))).length;
  }

  reset(): void {
    this.calls.length = 0;
    this.rules = [];
    this.latencyMs = 0;
  }

  stop(): Promise<void> {
    return this.close();
  }

  /** Decides the fate of one call: the error to answer with, if any. */
  take(action: string, instanceIds: string[]): InjectedError | undefined {
    const rule = this.rules.find(
      (r) => r.action === action && r.times > 0 && (!r.instanceId || instanceIds.includes(r.instanceId)),
    );
    if (!rule) return undefined;
    rule.times--;
    return rule.error;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function errorXml(error: InjectedError): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${error.code}</Code><Message>${error.message}</Message></Error></Errors><RequestID>injected-by-fault-proxy</RequestID></Response>`;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let proxy: FaultProxy;
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      const params = new URLSearchParams(body.toString('utf8'));
      const action = params.get('Action') ?? 'unknown';
      const instanceIds = [...params.entries()]
        .filter(([k]) => /^InstanceId\.\d+$/.test(k) || /^Filter\.\d+\.Value\.\d+$/.test(k))
        .map(([, v]) => v);
      if (proxy.latencyMs > 0) await new Promise((r) => setTimeout(r, proxy.latencyMs));
      const injected = proxy.take(action, instanceIds);
      const call: RecordedCall = {
        action,
        instanceIds,
        at: Date.now(),
        ...(injected ? { injected: injected.code } : {}),
      };
      proxy.calls.push(call);
      if (injected) {
        res.writeHead(injected.status, { 'content-type': 'text/xml' }).end(errorXml(injected));
        return;
      }
      const sent = performance.now();
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)),
      ) as Record<string, string>;
      const upstream = await fetch(new URL(req.url ?? '/', target), {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      call.upstreamMs = performance.now() - sent;
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/xml' });
      res.end(answer);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy = new FaultProxy(`http://127.0.0.1:${port}`, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return proxy;
}
