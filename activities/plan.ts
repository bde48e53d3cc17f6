import type { Sql } from 'postgres';
import { getGroup, groupMembers, type MemberWithResource } from '../db/groups';
import type { ActionType } from '../domain/action';
import type { BulkPlan } from '../domain/bulk';
import { runsDescending } from '../domain/tierOrder';
import { decide } from '../domain/ec2InstanceStates';
import type { ObservedInstance } from './ec2/instances';
import type { KubernetesResource, ObservedPlan } from './k8s/observe';

type PlannedResource = BulkPlan['tiers'][number]['resources'][number];

const decisionChange = { act: undefined, done: 'none', settle: 'wait', impossible: 'impossible' } as const;

const baseOf = (member: MemberWithResource) => ({
  resourceID: member.resourceID,
  resourceUID: member.resource.resourceUID,
  resourceType: member.resource.resourceType,
  order: member.order,
});

function planEc2(type: ActionType, member: MemberWithResource, observed: ObservedInstance | null): PlannedResource {
  const base = baseOf(member);
  if (!observed) return { ...base, currentState: null, change: 'impossible', reason: 'instance not found' };
  const decision = decide(type, observed.state);
  const change = decisionChange[decision] ?? type;
  const reason =
    decision === 'done'
      ? `already ${observed.state}`
      : decision === 'settle'
        ? `${observed.state}: waits for it to settle`
        : decision === 'impossible'
          ? `${observed.state}: cannot ${type}`
          : undefined;
  return { ...base, currentState: observed.state, change, ...(reason ? { reason } : {}) };
}

/** What a bulk action would do, from the group and the resources' current states; changes nothing. */
export function createPlanActivities(deps: {
  sql: Sql;
  observeInstances: (input: {
    cloudAccountID: string;
    region: string;
    instanceIds: string[];
  }) => Promise<Record<string, ObservedInstance | null>>;
  observeKubernetes: (type: ActionType, resource: KubernetesResource) => Promise<ObservedPlan>;
}) {
  return {
    async planBulkAction(input: { orgId: string; groupId: string; type: ActionType }): Promise<BulkPlan> {
      const group = await getGroup(deps.sql, input.orgId, input.groupId);
      if (!group) throw new Error(`group ${input.groupId} not found`);
      const members = await groupMembers(deps.sql, input.groupId);

      const planned = new Map<string, PlannedResource>();
      const byLocation = new Map<string, MemberWithResource[]>();
      for (const m of members) {
        if (m.resource.provider === 'kubernetes') {
          const observed = await deps.observeKubernetes(input.type, m.resource);
          planned.set(m.resourceID, { ...baseOf(m), ...observed });
          continue;
        }
        const key = `${m.resource.cloudAccountID}\n${m.resource.region}`;
        byLocation.set(key, [...(byLocation.get(key) ?? []), m]);
      }
      for (const located of byLocation.values()) {
        const { cloudAccountID, region } = located[0]!.resource;
        const states = await deps.observeInstances({
          cloudAccountID,
          region,
          instanceIds: located.map((m) => m.resource.resourceUID),
        });
        for (const m of located)
          planned.set(m.resourceID, planEc2(input.type, m, states[m.resource.resourceUID] ?? null));
      }

      const descending = runsDescending(input.type);
      const tiers = [...new Set(members.map((m) => m.tier))].sort((a, b) => (descending ? b - a : a - b));
      return {
        dryRun: true,
        groupID: input.groupId,
        type: input.type,
        total: members.length,
        wouldChange: [...planned.values()].filter((p) => p.change === input.type).length,
        tiers: tiers.map((tier) => ({
          tier,
          resources: members
            .filter((m) => m.tier === tier)
            .map((m) => planned.get(m.resourceID)!)
            .sort((a, b) => (descending ? b.order - a.order : a.order - b.order)),
        })),
      };
    },
  };
}
