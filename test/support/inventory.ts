import { expect } from 'vitest';
import type { Caller, Harness } from './harness';
import { ec2Resource } from './ec2Resource';

/** Registers moto instances as resources and puts them in a group, through the API. */
export async function createGroup(
  h: Harness,
  caller: Caller,
  tiers: string[][],
  name = `group-${Math.random().toString(36).slice(2)}`,
): Promise<{ groupId: string; resourceIds: Map<string, string> }> {
  return createGroupOf(
    h,
    caller,
    tiers.map((ids) => ids.map((id) => ec2Resource(id))),
    name,
  );
}

/** Registers resources of any provider (`tiers[t]`: the resource bodies of tier t) and puts them in a group. */
export async function createGroupOf(
  h: Harness,
  caller: Caller,
  tiers: { resourceUID: string; [field: string]: unknown }[][],
  name = `group-${Math.random().toString(36).slice(2)}`,
): Promise<{ groupId: string; resourceIds: Map<string, string> }> {
  const resourceIds = new Map<string, string>();
  const members = [];
  for (const [tier, resources] of tiers.entries()) {
    for (const [order, resource] of resources.entries()) {
      const res = await h.request('POST', '/resources', {
        token: caller.token,
        body: { ...resource, name: `tier${tier}-${order}` },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      resourceIds.set(resource.resourceUID, res.body.data.id);
      members.push({ resourceID: res.body.data.id, tier, order });
    }
  }
  const res = await h.request('POST', '/groups', { token: caller.token, body: { name, members } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { groupId: res.body.data.id, resourceIds };
}

/** Polls `GET /actions/bulk/{id}` until the bulk action has ended. */
export async function waitForBulk(h: Harness, caller: Caller, bulkId: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.request('GET', `/actions/bulk/${bulkId}`, { token: caller.token });
    expect(res.status).toBe(200);
    if (['completed', 'halted', 'compensated'].includes(res.body.data.status)) return res.body.data;
    if (Date.now() > deadline) throw new Error(`bulk ${bulkId} still ${res.body.data.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
