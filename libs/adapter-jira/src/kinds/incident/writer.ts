import { textOf, TransportError, unknownPerson, type ErrorClassification, type FieldValue, type VendorFailure, type WriteOperation, type WriteResult } from '@itsm-hub/core';
import { textToAdf } from '../../client/adf';
import type { JiraCallResult, JiraClient } from '../../client/http';
import type { JiraIssue } from '../../client/types';
import type { JiraPeople } from '../../client/people';
import type { IssueReader } from './reader';
import { correlationLabel, ISSUE_FIELDS } from './record';
import type { JiraSettings } from '../../config';
import type { WorkflowNavigator } from './workflow';

type Classify = (failure: VendorFailure) => ErrorClassification;
type Failure = Extract<WriteResult, { ok: false }>;
type Rejected = Extract<JiraCallResult<unknown>, { ok: false }>;
type Create = Extract<WriteOperation, { op: 'create' }>;
type Update = Extract<WriteOperation, { op: 'update' }>;
type Comment = Extract<WriteOperation, { op: 'comment' }>;

/** JSM's entity property that marks a comment internal (agents only). */
const JSM_COMMENT_PROPERTY = 'sd.public.comment';
/** Project role every Jira Cloud project has by default (unconfirmed for customised permission schemes). */
const DEFAULT_INTERNAL_ROLE = 'Administrators';

/** Creates, updates and comments on Jira issues; one result per operation, never a throw for a status. */
export class IssueWriter {
  constructor(
    private readonly client: JiraClient,
    private readonly reader: IssueReader,
    private readonly people: JiraPeople,
    private readonly workflow: WorkflowNavigator,
    private readonly settings: JiraSettings,
    private readonly classify: Classify,
  ) {}

  async apply(op: WriteOperation): Promise<WriteResult> {
    try {
      switch (op.op) {
        case 'create': return await this.create(op);
        case 'update': return await this.update(op);
        case 'comment': return await this.comment(op);
        default: return refuse('config', `The Jira adapter does not support '${op.op}' on incidents`);
      }
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return { ok: false, error: this.classify({ type: 'transport', error }), vendorMessage: error.message };
    }
  }

  private async create(op: Create): Promise<WriteResult> {
    const project = this.settings.project_key;
    if (!project) return refuse('config', 'Set project_key: Jira creates issues in a project');
    const flat = textFields(op.fields);
    if (!flat.ok) return flat.failure;
    if (!flat.values.summary) return refuse('user', 'Jira issues need a summary');
    const fields = await this.issueFields(flat.values);
    if (!fields.ok) return fields.failure;
    const created = await this.client.createIssue({
      fields: {
        project: { key: project },
        issuetype: { name: this.settings.issue_type },
        labels: [correlationLabel(op.correlationId)],
        ...fields.values,
      },
    });
    if (!created.ok) return this.rejected(created);
    const status = flat.values.status;
    let current: JiraIssue | undefined;
    if (status) {
      const moved = await this.moveTo(created.data.key, status);
      // The issue exists either way: the failure says so, and find() by correlation id will see it on a retry.
      if (!moved.ok) return { ...moved, vendorMessage: `Created ${created.data.key}, but its status was not set: ${moved.vendorMessage}` };
      current = moved.unchanged;
    }
    return this.answer(created.data.key, current);
  }

  private async update(op: Update): Promise<WriteResult> {
    const flat = textFields(op.fields);
    if (!flat.ok) return flat.failure;
    const { status, ...rest } = flat.values;
    const fields = await this.issueFields(rest);
    if (!fields.ok) return fields.failure;
    // The edit answers the issue as it left it (returnIssue), which a transition after it may change.
    let current: JiraIssue | undefined;
    if (Object.keys(fields.values).length > 0) {
      const edited = await this.client.editIssue(op.id, { fields: fields.values });
      if (!edited.ok) return this.rejected(edited);
      current = edited.data;
    }
    if (status) {
      const moved = await this.moveTo(op.id, status, current);
      if (!moved.ok) return moved;
      current = moved.unchanged;
    }
    return this.answer(op.id, current);
  }

  private async comment(op: Comment): Promise<WriteResult> {
    const body: Record<string, unknown> = { body: textToAdf(op.body) };
    if (op.visibility === 'internal') {
      // A role restriction hides it in Jira Software/Work Management; the property makes it internal in JSM.
      body.visibility = { type: 'role', value: this.settings.internal_comment_role ?? DEFAULT_INTERNAL_ROLE };
      body.properties = [{ key: JSM_COMMENT_PROPERTY, value: { internal: true } }];
    }
    const added = await this.client.addComment(op.id, body);
    return added.ok ? { ok: true, commentId: added.data.id } : this.rejected(added);
  }

  /** Jira field values for the hub's flat fields; `status` goes through transitions instead. */
  private async issueFields(flat: Record<string, string | null>): Promise<{ ok: true; values: Record<string, unknown> } | { ok: false; failure: Failure }> {
    const values: Record<string, unknown> = {};
    if ('summary' in flat && flat.summary) values.summary = flat.summary;
    if ('description' in flat) values.description = flat.description ? textToAdf(flat.description) : null;
    if ('priority' in flat && flat.priority) values.priority = { name: flat.priority };
    if ('assignee' in flat) {
      const email = flat.assignee;
      if (!email) {
        values.assignee = null;
      } else {
        const account = await this.people.accountIdOf(email);
        if (!account.ok) return { ok: false, failure: account.failed ? this.rejected(account.failed) : unknownPerson('assignee', email, account.message) };
        values.assignee = { accountId: account.accountId };
      }
    }
    return { ok: true, values };
  }

  /**
   * Moves the issue (as `known`, else read) to `status`; `unchanged` is the issue when no transition
   * was needed, so the caller need not read it again.
   */
  private async moveTo(key: string, status: string, known?: JiraIssue): Promise<{ ok: true; unchanged?: JiraIssue } | Failure> {
    let issue = known;
    if (!issue) {
      const read = await this.client.getIssue(key, ISSUE_FIELDS);
      if (!read.ok) return this.rejected(read);
      issue = read.data;
    }
    const f = issue.fields;
    const moved = await this.workflow.moveTo(
      { key: issue.key, project: f.project?.key ?? this.settings.project_key ?? '', issueType: f.issuetype?.name ?? this.settings.issue_type, status: f.status?.name ?? '' },
      status,
    );
    if (moved.ok) return { ok: true, unchanged: moved.steps.length === 0 ? issue : undefined };
    if (moved.kind === 'refused') return { ...this.rejected(moved.failed), vendorMessage: moved.message };
    return refuse('user', moved.message);
  }

  /** The issue as Jira holds it after the write: as Jira last answered it, else read back. */
  private async answer(key: string, current: JiraIssue | undefined): Promise<WriteResult> {
    return current ? { ok: true, record: await this.reader.fromIssue(current) } : this.readBack(key);
  }

  /** A failed read-back must not turn a done write into a retry. */
  private async readBack(key: string): Promise<WriteResult> {
    try {
      const record = await this.reader.record(key);
      return record ? { ok: true, record } : { ok: true, warnings: [`Written, but ${key} could not be read back`] };
    } catch (err) {
      return { ok: true, warnings: [`Written, but reading ${key} back failed: ${(err as Error).message}`] };
    }
  }

  private rejected(result: Rejected): Failure {
    const error = this.classify({ type: 'response', status: result.status, headers: result.response.headers, body: result.response.body });
    return { ok: false, error, vendorMessage: result.message, status: result.status };
  }
}

/**
 * The operation's fields as text: every incident field the adapter writes (summary, description,
 * status and priority names, the assignee's email) is a single value, so a list or a reference is
 * refused rather than written as empty.
 */
function textFields(fields: Record<string, FieldValue>): { ok: true; values: Record<string, string | null> } | { ok: false; failure: Failure } {
  const values: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(fields)) {
    const text = textOf(value);
    if (text === null && value !== null && value !== undefined) return { ok: false, failure: refuse('user', `Jira incident field ${field} takes a single value, not ${JSON.stringify(value)}`) };
    values[field] = text;
  }
  return { ok: true, values };
}

function refuse(kind: 'config' | 'user', message: string): Failure {
  return { ok: false, error: { action: 'fail', kind, message }, vendorMessage: message };
}
