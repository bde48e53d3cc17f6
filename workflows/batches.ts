import type { Member } from './stateChange';

/**
 * Cuts members, in dispatch order, into batches a transition can take in one
 * run: consecutive members of one resource type, account and region, at most
 * `maxSize` each.
 */
export function batchesOf<M extends Member>(members: M[], maxSize: (m: M) => number): M[][] {
  const batches: M[][] = [];
  let current: M[] = [];
  const keyOf = (m: M) => [m.resource.resourceType, m.resource.cloudAccountID, m.resource.region].join('\n');
  for (const m of members) {
    const head = current[0];
    if (head && (keyOf(head) !== keyOf(m) || current.length >= maxSize(m))) {
      batches.push(current);
      current = [];
    }
    current.push(m);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
