import { VendorRejectedError, z, type ErrorClassification, type ExternalComment, type ExternalRecord, type HttpResponse, type RecordPage, type VendorFailure } from '@itsm-hub/core';
import type { ServiceNowClient } from '../../client/http';
import { INCIDENT_READ_PARAMS, text, toComment, toExternalRecord } from './record';

const JOURNAL_TABLE = 'sys_journal_field';
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** Page token of an incremental listing: where it started and how far it got, so later pages repeat the same query. */
const listTokenSchema = z.object({ from: z.string(), offset: z.number().int().min(0) });
/** Page token of a scan: the last record listed (its place in the scan's order) and how many came before. */
const scanTokenSchema = z.object({ after: z.object({ created: z.string(), id: z.string() }), listed: z.number().int().min(0) });
const PAGE_TOKENS = { changes: listTokenSchema, all: scanTokenSchema };
const LISTINGS = { changes: 'an incremental listing', all: 'a scan' };
type Listing = keyof typeof PAGE_TOKENS;
/** A scan also reads when each record was created, the first key of its order. */
const SCAN_READ_PARAMS = { ...INCIDENT_READ_PARAMS, sysparm_fields: `${INCIDENT_READ_PARAMS.sysparm_fields},sys_created_on` };

export interface ReaderOptions {
  table: string;
  baseUrl: string;
  /** Encoded query that limits which incidents are listed. */
  incidentQuery?: string;
  /** The adapter's classification, which a refused read carries to the engine. */
  classify: (failure: VendorFailure) => ErrorClassification;
}

/** Incident reads through the Table API: by sys_id with the journal, by correlation id, incremental listings and scans. */
export class IncidentReader {
  constructor(private readonly client: ServiceNowClient, private readonly options: ReaderOptions) {}

  /** Reads answer records, not results: a refusal travels as an error, classified. */
  private refused(what: string, response: HttpResponse): VendorRejectedError {
    const failure = { type: 'response' as const, status: response.status, headers: response.headers, body: response.body };
    return new VendorRejectedError(`ServiceNow refused ${what}`, failure, this.options.classify(failure));
  }

  /** The incident with its journal. */
  async read(sysId: string): Promise<ExternalRecord | undefined> {
    const record = await this.record(sysId);
    return record && { ...record, comments: await this.journal(sysId) };
  }

  /** The incident without its journal. */
  async record(sysId: string): Promise<ExternalRecord | undefined> {
    const outcome = await this.client.getRecord(this.options.table, sysId, INCIDENT_READ_PARAMS);
    if (!outcome.ok && outcome.status === 404) return undefined;
    if (!outcome.ok) throw this.refused(`reading incident ${sysId}`, outcome.response);
    return toExternalRecord(outcome.record, this.options.baseUrl);
  }

  async findByCorrelationId(correlationId: string): Promise<ExternalRecord | undefined> {
    // A value containing '^' would split the encoded query into other conditions.
    if (correlationId.includes('^')) return undefined;
    const outcome = await this.client.listRecords(this.options.table, {
      ...INCIDENT_READ_PARAMS,
      sysparm_query: `correlation_id=${correlationId}^ORDERBYsys_created_on`,
      sysparm_limit: '1',
    });
    if (!outcome.ok) throw this.refused(`finding the incident with correlation_id ${correlationId}`, outcome.response);
    const row = outcome.records[0];
    return row ? toExternalRecord(row, this.options.baseUrl) : undefined;
  }

  /**
   * Records updated at or after `cursor`, oldest first. `>=` re-reads records of the cursor's own
   * second (the instance stores seconds only); the engine skips versions it has seen.
   */
  async list(cursor: string | undefined, page: string | undefined, pageSize: number | undefined): Promise<RecordPage> {
    const token = page === undefined ? { from: cursor ?? '', offset: 0 } : parsePageToken(page, 'changes');
    const limit = Math.min(Math.max(1, pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    // Plain `yyyy-MM-dd HH:mm:ss` values compare against the stored UTC value (commonly used; unconfirmed for every release).
    const polling = token.from ? [`sys_updated_on>=${token.from}`] : [];
    const terms = [restrict(this.options.incidentQuery ?? '', polling), 'ORDERBYsys_updated_on', 'ORDERBYsys_id'];
    const outcome = await this.client.listRecords(this.options.table, {
      ...INCIDENT_READ_PARAMS,
      sysparm_query: terms.filter(Boolean).join('^'),
      sysparm_limit: String(limit),
      sysparm_offset: String(token.offset),
    });
    if (!outcome.ok) throw this.refused('listing incidents', outcome.response);
    const records = outcome.records.map((row) => toExternalRecord(row, this.options.baseUrl));
    const seen = outcome.records.map((row) => text(row.sys_updated_on)).reduce((a, b) => (b > a ? b : a), cursor ?? '');
    const next = token.offset + outcome.records.length;
    const more = outcome.total === undefined ? outcome.records.length === limit : next < outcome.total;
    const result: RecordPage = { records };
    if (seen) result.cursor = seen;
    if (more && outcome.records.length > 0) result.nextPage = JSON.stringify({ from: token.from, offset: next });
    return result;
  }

  /**
   * Every incident `incident_query` selects, however old, ordered by `sys_created_on` then `sys_id`.
   * Each page asks for the records after the last one listed (`(sys_created_on>C)^NQ(sys_created_on=C^sys_id>S)`,
   * each `^NQ` group of `incident_query` restricted like an incremental listing's) rather than for an
   * offset: an update moves no record, a record deleted meanwhile shifts none onto a page already
   * read, and a record created meanwhile comes last (the instance stamps it with the current second).
   * `sys_id>` compares the 32-character text (commonly used for chunked reads; unconfirmed). `total` is
   * the records listed so far plus X-Total-Count of what is left. No `cursor`: the scan orders by
   * creation, so nothing it saw marks a point an incremental listing could resume from.
   */
  async scan(page: string | undefined, pageSize: number | undefined): Promise<RecordPage> {
    const token = page === undefined ? undefined : parsePageToken(page, 'all');
    const limit = Math.min(Math.max(1, pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const query = this.options.incidentQuery ?? '';
    const groups = token
      ? [restrict(query, [`sys_created_on>${token.after.created}`]), restrict(query, [`sys_created_on=${token.after.created}`, `sys_id>${token.after.id}`])].join('^NQ')
      : query;
    const outcome = await this.client.listRecords(this.options.table, {
      ...SCAN_READ_PARAMS,
      sysparm_query: [groups, 'ORDERBYsys_created_on', 'ORDERBYsys_id'].filter(Boolean).join('^'),
      sysparm_limit: String(limit),
    });
    if (!outcome.ok) throw this.refused('scanning incidents', outcome.response);
    const listed = (token?.listed ?? 0) + outcome.records.length;
    const result: RecordPage = { records: outcome.records.map((row) => toExternalRecord(row, this.options.baseUrl)) };
    if (outcome.total !== undefined) result.total = (token?.listed ?? 0) + outcome.total;
    const last = outcome.records[outcome.records.length - 1];
    const more = outcome.total === undefined ? outcome.records.length === limit : outcome.records.length < outcome.total;
    if (more && last) result.nextPage = JSON.stringify({ after: { created: text(last.sys_created_on), id: text(last.sys_id) }, listed });
    return result;
  }

  /** The incident's comments and work notes, oldest first. */
  async journal(sysId: string): Promise<ExternalComment[]> {
    const outcome = await this.client.listRecords(JOURNAL_TABLE, {
      sysparm_query: `element_id=${sysId}^elementINcomments,work_notes^ORDERBYsys_created_on`,
      sysparm_fields: 'sys_id,element,value,sys_created_by,sys_created_on',
    });
    if (!outcome.ok) throw this.refused(`reading the journal of incident ${sysId}`, outcome.response);
    return outcome.records.map(toComment);
  }
}

/**
 * The query with the conditions added to each of its `^NQ` groups. Prefixed once, they would bind to
 * the first group only, and the other groups would list records outside the polling window.
 */
function restrict(query: string, conditions: string[]): string {
  return query.split('^NQ').map((group) => [...conditions, group].filter(Boolean).join('^')).join('^NQ');
}

function parsePageToken<L extends Listing>(page: string, listing: L): z.infer<(typeof PAGE_TOKENS)[L]> {
  let raw: unknown;
  try {
    raw = JSON.parse(page);
  } catch {
    raw = undefined;
  }
  const parsed = PAGE_TOKENS[listing].safeParse(raw);
  if (parsed.success) return parsed.data as z.infer<(typeof PAGE_TOKENS)[L]>;
  // A token this adapter did not issue, or issued for the other kind of listing, is a caller bug, not a vendor failure.
  const other: Listing = listing === 'all' ? 'changes' : 'all';
  if (PAGE_TOKENS[other].safeParse(raw).success) throw new TypeError(`ServiceNow page token of ${LISTINGS[other]} given to ${LISTINGS[listing]}: ${page}`);
  throw new TypeError(`Not a ServiceNow page token: ${page}`);
}
