import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountRegistry } from '../../runtime/accounts';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { ec2Resource } from '../support/ec2Resource';

let h: Harness;
let alice: Caller;

const acme = `acme-${Date.now()}`;

beforeAll(async () => {
  const accounts = new AccountRegistry([
    {
      id: 'ca_prod',
      provider: 'aws',
      orgs: [acme],
      roleArn: 'arn:aws:iam::123456789012:role/lamplighter',
      externalId: 'very-private-external-id',
      regions: ['us-east-1'],
    },
    // Slow on purpose: 4 calls a second, no burst.
    { id: 'ca_slow', provider: 'aws', orgs: ['*'], rateLimit: { perSecond: 4, burst: 1 } },
  ]);
  h = await startHarness({ accounts });
  alice = await h.newCaller('alice@example.com', acme);
});
afterAll(() => h.stop());

const body = (cloudAccountID: string, resourceUID = 'i-0abc123def4567890') => ({
  type: 'stop',
  ...ec2Resource(resourceUID, cloudAccountID),
});

describe('cloud accounts file', () => {
  it('shows an organisation its accounts, how they authenticate, never their secrets', async () => {
    const res = await h.request('GET', '/cloud-accounts', { token: alice.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: 'ca_prod', provider: 'aws', auth: 'role', regions: ['us-east-1'] },
      { id: 'ca_slow', provider: 'aws', auth: 'default' },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('very-private-external-id');

    const bob = await h.newCaller('bob@example.com');
    const theirs = await h.request('GET', '/cloud-accounts', { token: bob.token });
    expect(theirs.body.data.map((a: any) => a.id)).toEqual(['ca_slow']);
  });

  it('refuses actions and resources on accounts not configured for the organisation', async () => {
    const bob = await h.newCaller('bob@example.com');
    for (const [method, path] of [
      ['POST', '/actions'],
      ['POST', '/resources'],
    ] as const) {
      const payload = path === '/actions' ? body('ca_prod') : { ...body('ca_prod'), type: undefined };
      const res = await h.request(method, path, { token: bob.token, body: payload });
      expect(res.status, path).toBe(400);
      expect(res.body.error.details).toEqual([
        { path: 'body.cloudAccountID', message: 'no aws account ca_prod is configured for your organisation' },
      ]);
    }
    const unknown = await h.request('POST', '/actions', { token: alice.token, body: body('ca_nope') });
    expect(unknown.status).toBe(400);
  });

  it('rate-limits provider calls per account and region', async () => {
    const [id] = await h.ec2.runInstances();
    h.proxy.reset();
    const res = await h.request('POST', '/actions', { token: alice.token, body: body('ca_slow', id) });
    expect((await h.waitForAction(alice, res.body.data.actionID)).status).toBe('succeeded');
    const times = h.proxy.calls.filter((c) => c.instanceIds.includes(id!)).map((c) => c.at);
    expect(times.length).toBeGreaterThanOrEqual(3);
    // 4 a second with no burst: consecutive calls at least ~250 ms apart.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
  });
});
