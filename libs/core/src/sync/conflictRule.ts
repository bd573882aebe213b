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
