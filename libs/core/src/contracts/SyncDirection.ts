export const SYNC_DIRECTIONS = ['none', 'inbound', 'outbound', 'bidirectional'] as const;
export type SyncDirection = (typeof SYNC_DIRECTIONS)[number];

export const CONFLICT_STRATEGIES = ['last-write-wins', 'ownership-priority', 'manual-review'] as const;
export type ConflictStrategy = (typeof CONFLICT_STRATEGIES)[number];

export const FIELD_OWNERS = ['platform', 'external'] as const;
export type FieldOwner = (typeof FIELD_OWNERS)[number];
