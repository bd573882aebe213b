import type { FieldValue } from '../contracts/FieldValue';
import type { RecordKind } from '../contracts/RecordKind';

export interface FieldChange {
  at: string;
  /** `hub` for API/CLI changes, else the id of the integration the change came from. */
  origin: string;
}

/** A canonical record of any kind, as the engine sees it. */
export interface HubRecord {
  kind: RecordKind;
  id: string;
  organization_id: string;
  values: Record<string, FieldValue>;
  field_changes: Record<string, FieldChange>;
  version: number;
  origin: string;
  created_at: string;
  updated_at: string;
}

/** One entry of a record's journal (an incident's comment). */
export interface JournalEntry {
  id: string;
  record_kind: RecordKind;
  record_id: string;
  body: string;
  author: string | null;
  visibility: 'public' | 'internal';
  origin: string;
  created_at: string;
}
