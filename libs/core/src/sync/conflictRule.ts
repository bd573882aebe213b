import type { ConflictStrategy, FieldOwner } from '../contracts/SyncDirection';

export type Winner = 'platform' | 'external' | 'pending';

/**
 * Who wins a field both sides changed since the last sync (p ≠ b, e ≠ b, p ≠ e), after DESIGN.md:
 * last-write-wins takes the newer change, and changes within the window count as simultaneous
 * (the owner wins, else the platform); ownership-priority lets the owner win (the platform when
 * the field has no owner); manual-review leaves it pending.
 */
export function conflictWinner(input: {
  strategy: ConflictStrategy;
  owner?: FieldOwner;
  platformChangedAt?: Date;
  externalChangedAt?: Date;
  windowMs: number;
}): Winner {
  if (input.strategy === 'manual-review') return 'pending';
  if (input.strategy === 'ownership-priority') return input.owner ?? 'platform';
  const p = input.platformChangedAt?.getTime();
  const e = input.externalChangedAt?.getTime();
  if (p === undefined || e === undefined || Math.abs(p - e) <= input.windowMs) return input.owner ?? 'platform';
  return e > p ? 'external' : 'platform';
}

/**
 * Between two integrations that changed the same hub field within the conflict window (seed 000:
 * "higher wins in conflicts"): the change from the integration whose rule for the field has the
 * higher priority wins (no rule counts as 0); equal priorities fall back to the later change.
 * Undefined when the rule does not apply (the changes are further apart than the window).
 */
export function priorityWinner(input: {
  priority: number;
  rivalPriority: number;
  platformChangedAt?: Date;
  externalChangedAt?: Date;
  windowMs: number;
}): 'platform' | 'external' | undefined {
  const p = input.platformChangedAt?.getTime();
  const e = input.externalChangedAt?.getTime();
  if (p === undefined || e === undefined || Math.abs(p - e) > input.windowMs) return undefined;
  if (input.priority !== input.rivalPriority) return input.priority > input.rivalPriority ? 'external' : 'platform';
  return e >= p ? 'external' : 'platform';
}
