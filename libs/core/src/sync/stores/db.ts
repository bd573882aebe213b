import type { DataSource, EntityManager } from 'typeorm';

/** A connection or the caller's transaction: stores work in either. */
export type Db = DataSource | EntityManager;

export const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));
