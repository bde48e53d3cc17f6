import { expect } from 'vitest';
import type { Caller, Harness } from './harness';

/** Creates a schedule through the API and answers it. */
export async function createSchedule(h: Harness, caller: Caller, body: Record<string, unknown>): Promise<any> {
  const res = await h.request('POST', '/schedules', {
    token: caller.token,
    body: { name: `sched-${Math.random().toString(36).slice(2)}`, timezone: 'UTC', ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/** `GET /schedules/{id}/plan`: transitions as [utc, local, action, cronId] plus their flags. */
export async function plan(h: Harness, caller: Caller, id: string, from: string, days: number): Promise<any[]> {
  const res = await h.request('GET', `/schedules/${id}/plan?from=${encodeURIComponent(from)}&days=${days}`, {
    token: caller.token,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.transitions;
}

/** Polls the schedule's runs until `count` are recorded. */
export async function waitForRuns(
  h: Harness,
  caller: Caller,
  id: string,
  count: number,
  timeoutMs = 60_000,
): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.request('GET', `/schedules/${id}/runs?limit=100`, { token: caller.token });
    if (res.body.data.length >= count) return res.body.data;
    if (Date.now() > deadline) throw new Error(`only ${res.body.data.length} runs of ${id} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
