import { ValidationError, VendorRejectedError, VendorResponseError, type ErrorClassification, type ExternalComment, type ExternalRecord, type RecordPage, type VendorFailure } from '@itsm-hub/core';

type Classify = (failure: VendorFailure) => ErrorClassification;
import type { JiraCallResult, JiraClient } from '../../client/http';
import type { JiraIssue } from '../../client/types';
import { jqlDate, knownTimeZone, quote } from './jql';
import type { JiraPeople } from '../../client/people';
import { correlationLabel, ISSUE_FIELDS, toComment, toExternalRecord } from './record';

const DEFAULT_PAGE_SIZE = 50;
/** `/search/jql` returns at most 100 issues per page when fields beyond id/key are asked for (assumed; the spec states 5000 only for id/key). */
const MAX_PAGE_SIZE = 100;
const COMMENT_PAGE_SIZE = 100;
/**
 * JQL dates have minute precision, so a listing restarts one minute before the newest `updated` it
 * has seen (plus the truncation to the minute): issues changed in that minute are read again and the
 * engine skips versions it has seen.
 */
export const CURSOR_OVERLAP_MS = 60_000;
const EPOCH_JQL_DATE = '1970-01-01 00:00';

/** Where a listing stands: its JQL and Jira's `nextPageToken`; a full scan's is marked `scope: 'all'`. */
interface PageToken {
  scope: 'changes' | 'all';
  jql: string;
  token: string;
}

/** Issue reads: by id or key with comments, by correlation label, and incremental JQL listings. */
export class IssueReader {
  private timeZone?: Promise<string>;

  constructor(
    private readonly client: JiraClient,
    private readonly people: JiraPeople,
    private readonly options: { baseUrl: string; projectKey?: string; classify: Classify },
  ) {}

  /** The issue with its comments; undefined when Jira answers 404. */
  async read(idOrKey: string): Promise<ExternalRecord | undefined> {
    const record = await this.record(idOrKey);
    return record && { ...record, comments: await this.comments(idOrKey) };
  }

  /** The issue without comments; undefined on 404. */
  async record(idOrKey: string): Promise<ExternalRecord | undefined> {
    const issue = await this.client.getIssue(idOrKey, ISSUE_FIELDS);
    if (!issue.ok && issue.status === 404) return undefined;
    if (!issue.ok) throw refused(this.options.classify, `GET /rest/api/3/issue/${idOrKey}`, issue);
    return toExternalRecord(issue.data, this.options.baseUrl, this.people);
  }

  /** A record from an issue Jira answered with (fields as ISSUE_FIELDS asks for, or more). */
  fromIssue(issue: JiraIssue): Promise<ExternalRecord> {
    return toExternalRecord(issue, this.options.baseUrl, this.people);
  }

  async findByCorrelationId(correlationId: string): Promise<ExternalRecord | undefined> {
    const clauses = [this.projectClause(), `labels = ${quote(correlationLabel(correlationId))}`].filter(Boolean);
    const found = await this.client.searchJql({ jql: `${clauses.join(' AND ')} ORDER BY created ASC`, fields: ISSUE_FIELDS, maxResults: 1 });
    if (!found.ok) throw refused(this.options.classify, 'GET /rest/api/3/search/jql', found);
    const issue = found.data.issues[0];
    return issue && toExternalRecord(issue, this.options.baseUrl, this.people);
  }

  /** Issues updated since `cursor` (an ISO instant), oldest change first. */
  async list(cursor: string | undefined, page: string | undefined, pageSize: number | undefined): Promise<RecordPage> {
    const state = page === undefined ? { jql: await this.listingJql(cursor) } : decodePage(page, 'changes');
    const { records, next } = await this.search(state, pageSize);
    // Oldest first, so the newest time seen is a safe resume point even in the middle of a listing.
    const newest = records.map((r) => r.updatedAt).filter((t): t is string => t !== undefined).reduce((a, b) => (b > a ? b : a), cursor ?? '');
    const out: RecordPage = { records };
    if (newest) out.cursor = newest;
    if (next) out.nextPage = encodePage({ scope: 'changes', jql: state.jql, token: next });
    return out;
  }

  /**
   * Every issue in scope however old (`scope: 'all'`), oldest created first with the key breaking
   * ties, so issues created during the scan come last and none is read twice. No `total`: the search
   * API does not count, and the approximate count is another call the emulator does not implement.
   */
  async scan(page: string | undefined, pageSize: number | undefined): Promise<RecordPage> {
    const state = page === undefined ? { jql: this.scanJql() } : decodePage(page, 'all');
    const { records, next } = await this.search(state, pageSize);
    return next ? { records, nextPage: encodePage({ scope: 'all', jql: state.jql, token: next }) } : { records };
  }

  private async search(state: { jql: string; token?: string }, pageSize: number | undefined): Promise<{ records: ExternalRecord[]; next?: string }> {
    const maxResults = Math.min(Math.max(1, pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const result = await this.client.searchJql({ jql: state.jql, fields: ISSUE_FIELDS, maxResults, nextPageToken: state.token });
    if (!result.ok) throw refused(this.options.classify, 'GET /rest/api/3/search/jql', result);
    const records: ExternalRecord[] = [];
    for (const issue of result.data.issues) records.push(await toExternalRecord(issue, this.options.baseUrl, this.people));
    const next = result.data.nextPageToken;
    return next && result.data.isLast !== true ? { records, next } : { records };
  }

  async comments(idOrKey: string): Promise<ExternalComment[]> {
    const comments: ExternalComment[] = [];
    for (let startAt = 0; ; ) {
      const page = await this.client.getComments(idOrKey, startAt, COMMENT_PAGE_SIZE);
      if (!page.ok) throw refused(this.options.classify, `GET /rest/api/3/issue/${idOrKey}/comment`, page);
      for (const comment of page.data.comments) comments.push(await toComment(comment, this.people));
      startAt += page.data.comments.length;
      if (page.data.comments.length === 0 || startAt >= page.data.total) return comments;
    }
  }

  private async listingJql(cursor: string | undefined): Promise<string> {
    let since = EPOCH_JQL_DATE;
    if (cursor !== undefined) {
      const at = Date.parse(cursor);
      if (Number.isNaN(at)) throw new ValidationError(`Jira listing cursor is not a timestamp: ${cursor}`);
      since = jqlDate(new Date(at - CURSOR_OVERLAP_MS), await this.accountTimeZone());
    }
    const clauses = [this.projectClause(), `updated >= ${quote(since)}`].filter(Boolean);
    return `${clauses.join(' AND ')} ORDER BY updated ASC`;
  }

  private scanJql(): string {
    // /search/jql refuses JQL without a restriction: without a project, a creation date before any issue bounds it.
    const clause = this.projectClause() || `created >= ${quote(EPOCH_JQL_DATE)}`;
    return `${clause} ORDER BY created ASC, key ASC`;
  }

  /** The API user's time zone from /myself, read once: JQL date literals are in that zone. */
  private accountTimeZone(): Promise<string> {
    if (!this.timeZone) {
      this.timeZone = this.client.getMyself().then((me) => {
        if (!me.ok) throw refused(this.options.classify, 'GET /rest/api/3/myself', me);
        return knownTimeZone(me.data.timeZone);
      });
      this.timeZone.catch(() => (this.timeZone = undefined));
    }
    return this.timeZone;
  }

  private projectClause(): string {
    return this.options.projectKey ? `project = ${quote(this.options.projectKey)}` : '';
  }
}

/**
 * A read Jira refused; read/find/list return records, so the refusal travels as an error: with its
 * classification when Jira answered a failing status, unreadable when a success body was not what
 * Jira documents.
 */
function refused(classify: Classify, call: string, result: Extract<JiraCallResult<unknown>, { ok: false }>): Error {
  if (result.status < 300) return new VendorResponseError(`Jira answered ${call} with HTTP ${result.status}: ${result.message}`);
  const failure = { type: 'response' as const, status: result.status, headers: result.response.headers, body: result.response.body };
  return new VendorRejectedError(`Jira refused ${call} (HTTP ${result.status})`, failure, classify(failure));
}

function encodePage(state: PageToken): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

/**
 * The state of a page token written for `scope`. The two listings run different JQL, so a token of one
 * is refused by the other rather than continuing a listing it does not belong to. Tokens written before
 * scans existed carry no scope and are incremental listings' tokens.
 */
function decodePage(page: string, scope: PageToken['scope']): PageToken {
  let state: Partial<PageToken> | undefined;
  try {
    state = JSON.parse(Buffer.from(page, 'base64url').toString('utf8')) as Partial<PageToken>;
  } catch {
    // Left undefined: a token this adapter did not write.
  }
  const written = state?.scope ?? 'changes';
  if (!state || typeof state.jql !== 'string' || typeof state.token !== 'string' || (written !== 'changes' && written !== 'all')) {
    throw new ValidationError(`Not a Jira page token: ${page}`);
  }
  if (written !== scope) {
    const [mine, other] = written === 'all' ? ["a full scan (scope 'all')", "an incremental listing (scope 'changes')"] : ["an incremental listing (scope 'changes')", "a full scan (scope 'all')"];
    throw new ValidationError(`This Jira page token belongs to ${mine} and cannot continue ${other}`);
  }
  return { scope: written, jql: state.jql, token: state.token };
}
