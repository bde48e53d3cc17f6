/**
 * Who or what caused a state change, rendered as the seed's colon-delimited
 * `changedBy` string, e.g. `manual:alice@example.com`.
 */
export const changedByTypes = ['schedule', 'manual', 'bulk', 'override', 'override_expired'] as const;
export type ChangedByType = (typeof changedByTypes)[number];

export type Trigger =
  | { type: 'manual'; email: string }
  | { type: 'bulk'; email: string; bulkId: string }
  | { type: 'schedule'; name: string; cronId: string; scheduleId: string }
  | { type: 'override'; action: string }
  | { type: 'override_expired'; action: string };

export function formatChangedBy(trigger: Trigger): string {
  switch (trigger.type) {
    case 'manual':
      return `manual:${trigger.email}`;
    case 'bulk':
      return `bulk:${trigger.email}:${trigger.bulkId}`;
    case 'schedule':
      return `schedule:${trigger.name}:${trigger.cronId}`;
    case 'override':
      return `override:${trigger.action}`;
    case 'override_expired':
      return `override_expired:${trigger.action}`;
  }
}

export function scheduleIdOf(trigger: Trigger): string | undefined {
  return trigger.type === 'schedule' ? trigger.scheduleId : undefined;
}
