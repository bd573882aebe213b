/** Kinds of canonical record the hub keeps. */
export const RECORD_KINDS = ['incident', 'alert', 'ci', 'ci_relationship', 'user'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
