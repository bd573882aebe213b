/**
 * The name of a kind of canonical record (`incident`, later `alert`, `ci`, `user`...). Each kind
 * is a definition in core (`records/kinds`); adapters declare which kinds they handle.
 */
export type RecordKind = string;

/** How an adapter's record versions compare, so the hub can tell an echo or a stale read. */
export const VERSION_ORDERS = ['counter', 'timestamp', 'opaque'] as const;
/**
 * `counter`: a number that grows with every change (ServiceNow's sys_mod_count); `timestamp`: an
 * ISO date-time of the last change; `opaque`: equal or different, nothing more.
 */
export type VersionOrder = (typeof VERSION_ORDERS)[number];
