import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeToken } from '../../db/tokens';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { ec2Resource } from '../support/ec2Resource';

let h: Harness;
let alice: Caller;
let bob: Caller;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newCaller('alice@example.com');
  bob = await h.newCaller('bob@example.com');
});
afterAll(() => h.stop());

const validBody = (resourceUID: string) => ({ type: 'stop', ...ec2Resource(resourceUID) });

async function workflowsOf(orgId: string): Promise<number> {
  const { count } = await h.client.workflow.count(`LamplighterOrg = '${orgId}'`);
  return count;
}

describe('tokens', () => {
  it('answers /health without a token', async () => {
    const res = await h.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'llt_not-a-real-token'],
  ])('refuses %s with 401', async (_, token) => {
    for (const [method, path] of [
      ['GET', '/state-history'],
      ['GET', '/actions/act_x'],
      ['POST', '/actions'],
      ['GET', '/openapi.json'],
    ] as const) {
      const res = await h.request(method, path, { token });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('refuses a revoked token', async () => {
    const carol = await h.newCaller('carol@example.com');
    expect((await h.request('GET', '/state-history', { token: carol.token })).status).toBe(200);
    const [row] = await h.sql`SELECT id FROM api_tokens WHERE org_id = ${carol.orgId}`;
    await revokeToken(h.sql, row!.id);
    expect((await h.request('GET', '/state-history', { token: carol.token })).status).toBe(401);
  });

  it('stores only a hash of each token', async () => {
    const rows = await h.sql`SELECT token_hash FROM api_tokens WHERE org_id = ${alice.orgId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(alice.token);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('organisations', () => {
  it("never shows one organisation's actions or history to another", async () => {
    const [id] = await h.ec2.runInstances();
    const res = await h.request('POST', '/actions', { token: alice.token, body: validBody(id!) });
    const actionId = res.body.data.actionID;
    await h.waitForAction(alice, actionId);

    const asBob = await h.request('GET', `/actions/${actionId}`, { token: bob.token });
    expect(asBob.status).toBe(404);
    expect(asBob.body.error.code).toBe('not_found');

    const bobHistory = await h.request('GET', `/state-history?resource_uid=${id}`, { token: bob.token });
    expect(bobHistory.body.data).toMatchObject({ items: [], total: 0 });
    const aliceHistory = await h.request('GET', `/state-history?resource_uid=${id}`, { token: alice.token });
    expect(aliceHistory.body.data.total).toBe(2);
  });
});

describe('validation', () => {
  it('names each bad field and writes nothing', async () => {
    const dave = await h.newCaller('dave@example.com');
    const res = await h.request('POST', '/actions', {
      token: dave.token,
      body: {
        type: 'reboot',
        resourceUID: 'vm-1',
        provider: 'aws',
        resourceType: 'aws-ec2',
        region: 'Mars',
        colour: 'red',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const paths = res.body.error.details.map((d: any) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.type', 'body.cloudAccountID', 'body.region', 'body.colour']));
    expect(res.body.error.message).toContain('body.type');

    const wrongShape = await h.request('POST', '/actions', {
      token: dave.token,
      body: { ...validBody('vm-1') },
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error.details).toEqual([
      { path: 'body.resourceUID', message: 'not a valid aws-ec2 id (e.g. i-0abc123def4567890)' },
    ]);

    const [{ count }] = await h.sql<
      [{ count: number }]
    >`SELECT count(*)::int AS count FROM actions WHERE org_id = ${dave.orgId}`;
    expect(count).toBe(0);
    expect(await workflowsOf(dave.orgId)).toBe(0);
  });

  it('answers malformed JSON and a missing content type with a 4xx in the error shape', async () => {
    const malformed = await h.request('POST', '/actions', {
      token: alice.token,
      body: '{"type": "stop",',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_request');

    const noType = await fetch(`${h.apiUrl}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}` },
      body: JSON.stringify(validBody('i-0abc123def4567890')),
    });
    expect(noType.status).toBe(415);
    expect(((await noType.json()) as any).error.code).toBe('unsupported_media_type');
  });

  it('validates history queries', async () => {
    const res = await h.request('GET', '/state-history?page=0&limit=1000&changed_by_type=robot', {
      token: alice.token,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.path).sort()).toEqual([
      'query.changed_by_type',
      'query.limit',
      'query.page',
    ]);
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const res = await h.request('GET', '/no-such-thing', { token: alice.token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('serves its OpenAPI document to callers with a token', async () => {
    const res = await h.request('GET', '/openapi.json', { token: alice.token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/actions', '/actions/{actionID}', '/state-history']),
    );
  });
});

describe('state history pagination', () => {
  it('pages through rows in time order and filters by changed_by_type', async () => {
    const erin = await h.newCaller('erin@example.com');
    const [id] = await h.ec2.runInstances();
    for (const type of ['stop', 'start'] as const) {
      const res = await h.request('POST', '/actions', { token: erin.token, body: { ...validBody(id!), type } });
      await h.waitForAction(erin, res.body.data.actionID);
    }
    const page1 = (await h.request('GET', '/state-history?limit=3&page=1', { token: erin.token })).body.data;
    const page2 = (await h.request('GET', '/state-history?limit=3&page=2', { token: erin.token })).body.data;
    expect(page1).toMatchObject({ total: 4, page: 1, limit: 3 });
    expect(page1.items.map((i: any) => i.state)).toEqual(['stopping', 'stopped', 'pending']);
    expect(page2.items.map((i: any) => i.state)).toEqual(['running']);
    const newest = (await h.request('GET', '/state-history?limit=1&order=desc', { token: erin.token })).body.data;
    expect(newest.items[0].state).toBe('running');

    const manual = (await h.request('GET', '/state-history?changed_by_type=manual', { token: erin.token })).body.data;
    expect(manual.total).toBe(4);
    const bulk = (await h.request('GET', '/state-history?changed_by_type=bulk', { token: erin.token })).body.data;
    expect(bulk).toMatchObject({ items: [], total: 0 });
  });
});
