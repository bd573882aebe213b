import { conflictWinner, priorityWinner } from './conflictRule';

const at = (ms: number) => new Date(1_700_000_000_000 + ms);

describe('conflictWinner', () => {
  it('last-write-wins takes the newer change outside the window', () => {
    expect(conflictWinner({ strategy: 'last-write-wins', platformChangedAt: at(0), externalChangedAt: at(10_000), windowMs: 5_000 })).toBe('external');
    expect(conflictWinner({ strategy: 'last-write-wins', platformChangedAt: at(10_000), externalChangedAt: at(0), windowMs: 5_000 })).toBe('platform');
  });

  it('last-write-wins treats changes within the window as simultaneous: owner, else platform', () => {
    expect(conflictWinner({ strategy: 'last-write-wins', platformChangedAt: at(0), externalChangedAt: at(4_000), windowMs: 5_000 })).toBe('platform');
    expect(conflictWinner({ strategy: 'last-write-wins', owner: 'external', platformChangedAt: at(0), externalChangedAt: at(4_000), windowMs: 5_000 })).toBe('external');
  });

  it('ownership-priority lets the owner win and the platform when nobody owns the field', () => {
    expect(conflictWinner({ strategy: 'ownership-priority', owner: 'external', windowMs: 0 })).toBe('external');
    expect(conflictWinner({ strategy: 'ownership-priority', windowMs: 0 })).toBe('platform');
  });

  it('manual-review leaves the conflict pending', () => {
    expect(conflictWinner({ strategy: 'manual-review', owner: 'external', windowMs: 0 })).toBe('pending');
  });
});

describe('priorityWinner (two integrations changed one field)', () => {
  const window = { windowMs: 5_000 };
  it('lets the higher priority win whichever change came later', () => {
    expect(priorityWinner({ priority: 10, rivalPriority: 0, platformChangedAt: at(1_000), externalChangedAt: at(0), ...window })).toBe('external');
    expect(priorityWinner({ priority: 0, rivalPriority: 10, platformChangedAt: at(0), externalChangedAt: at(1_000), ...window })).toBe('platform');
  });

  it('falls back to the later change on equal priorities', () => {
    expect(priorityWinner({ priority: 3, rivalPriority: 3, platformChangedAt: at(0), externalChangedAt: at(1_000), ...window })).toBe('external');
    expect(priorityWinner({ priority: 3, rivalPriority: 3, platformChangedAt: at(1_000), externalChangedAt: at(0), ...window })).toBe('platform');
  });

  it('does not apply to changes further apart than the window', () => {
    expect(priorityWinner({ priority: 10, rivalPriority: 0, platformChangedAt: at(0), externalChangedAt: at(6_000), ...window })).toBeUndefined();
  });
});
