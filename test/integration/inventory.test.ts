import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Caller, type Harness } from '../support/harness';
import { ec2Resource } from '../support/ec2Resource';

let h: Harness;
let alice: Caller;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.newCaller('alice@example.com');
});
afterAll(() => h.stop());

const resource = (resourceUID: string, extra: Record<string, unknown> = {}) => ({
  ...ec2Resource(resourceUID),
  ...extra,
});

async function register(caller: Caller, uid: string): Promise<string> {
  const res = await h.request('POST', '/resources', {
    token: caller.token,
    body: resource(uid, { name: uid, tags: { env: 'staging' } }),
  });
  expect(res.status).toBe(201);
  return res.body.data.id;
}

describe('resources', () => {
  it('registers, lists, updates and refuses duplicates', async () => {
    const id = await register(alice, 'i-0aaaaaaaaaaaaaaa1');
    const dup = await h.request('POST', '/resources', { token: alice.token, body: resource('i-0aaaaaaaaaaaaaaa1') });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain(id);

    const listed = await h.request('GET', '/resources?resourceUID=i-0aaaaaaaaaaaaaaa1', { token: alice.token });
    expect(listed.body.data).toMatchObject({
      total: 1,
      items: [{ id, name: 'i-0aaaaaaaaaaaaaaa1', tags: { env: 'staging' } }],
    });
    const patched = await h.request('PATCH', `/resources/${id}`, {
      token: alice.token,
      body: { name: 'orders-db', tags: { tier: 'data' } },
    });
    expect(patched.body.data).toMatchObject({ name: 'orders-db', tags: { tier: 'data' } });

    const bob = await h.newCaller('bob@example.com');
    expect((await h.request('GET', `/resources/${id}`, { token: bob.token })).status).toBe(404);
    expect(
      (await h.request('GET', '/resources?resourceUID=i-0aaaaaaaaaaaaaaa1', { token: bob.token })).body.data.total,
    ).toBe(0);
  });
});

describe('groups', () => {
  it('refuses unknown, foreign and duplicate members, naming each, and writes nothing', async () => {
    const mine = await register(alice, 'i-0aaaaaaaaaaaaaaa2');
    const bob = await h.newCaller('bob@example.com');
    const theirs = await register(bob, 'i-0aaaaaaaaaaaaaaa3');
    const name = `web-${Date.now()}`;
    const res = await h.request('POST', '/groups', {
      token: alice.token,
      body: {
        name,
        members: [
          { resourceID: mine, tier: 0, order: 0 },
          { resourceID: 'res_nope', tier: 0 },
          { resourceID: theirs, tier: 1 },
          { resourceID: mine, tier: 2 },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([
      { path: 'body.members.1.resourceID', message: 'no resource res_nope in your organisation' },
      { path: 'body.members.2.resourceID', message: `no resource ${theirs} in your organisation` },
      { path: 'body.members.3.resourceID', message: `${mine} is listed twice` },
    ]);
    const groups = await h.request('GET', '/groups', { token: alice.token });
    expect(groups.body.data.items.map((g: any) => g.name)).not.toContain(name);
  });

  it('lists members in execution order, replaces them, and keeps a member resource from being deleted', async () => {
    const a = await register(alice, 'i-0aaaaaaaaaaaaaaa4');
    const b = await register(alice, 'i-0aaaaaaaaaaaaaaa5');
    const created = await h.request('POST', '/groups', {
      token: alice.token,
      body: {
        name: `app-${Date.now()}`,
        members: [
          { resourceID: b, tier: 1, order: 0 },
          { resourceID: a, tier: 0, order: 3 },
        ],
      },
    });
    expect(created.status).toBe(201);
    const group = created.body.data;
    expect(group.members.map((m: any) => [m.resourceID, m.tier, m.order, m.resource.resourceUID])).toEqual([
      [a, 0, 3, 'i-0aaaaaaaaaaaaaaa4'],
      [b, 1, 0, 'i-0aaaaaaaaaaaaaaa5'],
    ]);

    const blocked = await h.request('DELETE', `/resources/${a}`, { token: alice.token });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toContain(group.name);

    const replaced = await h.request('PATCH', `/groups/${group.id}`, {
      token: alice.token,
      body: { members: [{ resourceID: b, tier: 0 }] },
    });
    expect(replaced.body.data).toMatchObject({ memberCount: 1, members: [{ resourceID: b, tier: 0, order: 0 }] });
    expect((await h.request('DELETE', `/resources/${a}`, { token: alice.token })).status).toBe(204);
    expect((await h.request('DELETE', `/groups/${group.id}`, { token: alice.token })).status).toBe(204);
    expect((await h.request('GET', `/resources/${b}`, { token: alice.token })).status).toBe(200);
  });
});
