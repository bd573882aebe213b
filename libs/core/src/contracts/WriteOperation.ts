import type { ExternalRecord } from './ExternalRecord';
import type { FieldValue } from './FieldValue';
import type { RecordKind } from './RecordKind';

export type WriteOperation =
  | { op: 'create'; kind: RecordKind; correlationId: string; fields: Record<string, FieldValue> }
  /** `fields` holds only the fields that changed since the last synced values. */
  | { op: 'update'; kind: RecordKind; id: string; fields: Record<string, FieldValue>; expectedVersion?: string }
  | { op: 'delete'; kind: RecordKind; id: string }
  | { op: 'comment'; kind: RecordKind; id: string; correlationId: string; body: string; visibility: 'public' | 'internal' }
  | { op: 'relate'; kind: RecordKind; fromId: string; toId: string; relation: string };

export type WriteResult =
  /**
   * `record` is the record as the platform holds it after the write (create and update), so its
   * version and values become the new base. `commentId` is the platform's id of a written comment.
   */
  | { ok: true; record?: ExternalRecord; commentId?: string; warnings?: string[] }
  | { ok: false; error: ErrorClassification; vendorMessage: string; status?: number };

/** What to do about a failed vendor call (after Airbyte's error handler). */
export type FailureAction = 'retry' | 'fail' | 'ignore' | 'rate_limited' | 'refresh_auth';
export type FailureKind = 'config' | 'transient' | 'system' | 'user';

export interface ErrorClassification {
  action: FailureAction;
  kind: FailureKind;
  /** Delay the platform asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The vendor's own message, for users and the dead letter queue. */
  message: string;
  /**
   * The write failed only because this field of the operation names something the platform does
   * not have (a person without an account there): the engine may send it again without the field
   * (`settings.unknown_person`).
   */
  unresolved?: { field: string; value: string };
}

/** A write refused because `field`'s value names no one on the platform; see `ErrorClassification.unresolved`. */
export function unknownPerson(field: string, value: string, message: string): Extract<WriteResult, { ok: false }> {
  return { ok: false, error: { action: 'fail', kind: 'user', message, unresolved: { field, value } }, vendorMessage: message };
}
