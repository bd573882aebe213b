import type { FieldValue } from './FieldValue';
import type { RecordKind } from './RecordKind';

/** A record as it lives on an external platform, in that platform's field names and values. */
export interface ExternalRecord {
  kind: RecordKind;
  /** The platform's stable id (ServiceNow sys_id, Jira issue id, PagerDuty id, Halo id). */
  id: string;
  /** Human-facing number or key (INC0010001, OPS-12). */
  number?: string;
  url?: string;
  /** Platform's version marker (sys_mod_count, updated timestamp) used to skip seen versions. */
  version?: string;
  updatedAt?: string;
  /** The hub id this record carries as its correlation key, when it has one. */
  correlationId?: string;
  /** The platform table or collection the record lives in, when a kind spans several. */
  table?: string;
  /**
   * Keyed by the `externalField` names of the adapter's mappings, in the platform's own
   * vocabulary (ServiceNow state `6`, PagerDuty status `resolved`). People are presented as email
   * addresses, references to other records as `{kind, id}` with the platform's id; the adapter
   * resolves both on write. Null or absent means empty.
   */
  fields: Record<string, FieldValue>;
  /** The record's journal, oldest first, when the call that produced the record reads it. */
  comments?: ExternalComment[];
}

export interface ExternalComment {
  id: string;
  body: string;
  author?: string;
  visibility: 'public' | 'internal';
  createdAt?: string;
}

/** One page of a listing; `cursor` is opaque to core and only round-tripped. */
export interface RecordPage {
  records: ExternalRecord[];
  /** Present when another page follows. */
  nextPage?: string;
  /** State to resume an incremental listing from after this page. */
  cursor?: string;
  /** How many records the whole listing holds, where the platform says (a scan's progress). */
  total?: number;
}

export interface ListQuery {
  kind: RecordKind;
  /** Resume point returned by a previous listing (incremental sync). */
  cursor?: string;
  /** Page token returned by the previous page of this listing. */
  page?: string;
  pageSize?: number;
  /**
   * `changes` (the default): records changed since `cursor`, for incremental sync. `all`: every
   * record in the integration's scope whatever its age, for reconciliation (capability `scan`):
   * `cursor` is ignored, and pages follow `nextPage` until none is left, one page in memory at a time.
   */
  scope?: 'changes' | 'all';
}

export interface FindQuery {
  kind: RecordKind;
  correlationId?: string;
  name?: string;
}
