import { textOf, unknownPerson, type FieldValue, type WriteOperation, type WriteResult } from '@itsm-hub/core';
import { vendorMessage } from '../../client/failures';
import type { ServiceNowClient } from '../../client/http';
import { responseFailure, userFailure, type Classify } from './failures';
import type { TableRecord } from '../../client/types';
import { INCIDENT_READ_PARAMS, text, toExternalRecord } from './record';
import type { ReferenceResolver } from './references';

type Create = Extract<WriteOperation, { op: 'create' }>;
type Update = Extract<WriteOperation, { op: 'update' }>;
type Comment = Extract<WriteOperation, { op: 'comment' }>;
type Failure = Extract<WriteResult, { ok: false }>;

const RESOLVED_STATES = ['6', '7'];
const USER_FIELDS = ['assigned_to', 'caller_id'];
/** Fields a create may drop when a business rule refuses them (seed 004: assignment_group). */
const OPTIONAL_CREATE_FIELDS = ['assignment_group'];
const DEFAULT_CLOSE_NOTES = 'Resolved through ITSM Hub.';
/** How instances word a write a business rule aborted (commonly reported; unconfirmed for every release). */
const ABORTED = /aborted by Business Rule|Error during (insert|update) of/i;
const JOURNAL_LOOKBACK = '20';

export interface WriterOptions {
  table: string;
  baseUrl: string;
  closeCode: string;
  classify: Classify;
}

/** Incident creates, updates and comments, each answered with the record as the instance then holds it. */
export class IncidentWriter {
  constructor(
    private readonly client: ServiceNowClient,
    private readonly references: ReferenceResolver,
    private readonly options: WriterOptions,
  ) {}

  async create(op: Create): Promise<WriteResult> {
    const mapped = await this.body(op.fields);
    if (!mapped.ok) return mapped;
    const body = mapped.values;
    const payload: Record<string, string> = { ...body, ...this.closeFields(body, {}), correlation_id: op.correlationId };
    let outcome = await this.client.createRecord(this.options.table, payload, INCIDENT_READ_PARAMS);
    const warnings: string[] = [];
    if (!outcome.ok && outcome.status === 403 && ABORTED.test(vendorMessage(outcome.response.body) ?? '')) {
      const dropped = OPTIONAL_CREATE_FIELDS.filter((f) => (payload[f] ?? '') !== '');
      if (dropped.length > 0) {
        const reason = vendorMessage(outcome.response.body);
        outcome = await this.client.createRecord(this.options.table, without(payload, dropped), INCIDENT_READ_PARAMS);
        for (const field of dropped) warnings.push(`Created without ${field} '${textOf(op.fields[field])}': ServiceNow refused it (${reason})`);
      }
    }
    if (!outcome.ok) return responseFailure(this.options.classify, outcome.response);
    return this.answered(outcome.record, warnings);
  }

  async update(op: Update): Promise<WriteResult> {
    const mapped = await this.body(op.fields);
    if (!mapped.ok) return mapped;
    const body = mapped.values;
    let closing: Record<string, string> = {};
    if (RESOLVED_STATES.includes(body.state ?? '')) {
      const current = await this.client.getRecord(this.options.table, op.id, { sysparm_fields: 'close_code,close_notes' });
      if (!current.ok) return responseFailure(this.options.classify, current.response);
      closing = this.closeFields(body, { close_code: text(current.record.close_code), close_notes: text(current.record.close_notes) });
    }
    const outcome = await this.client.updateRecord(this.options.table, op.id, { ...body, ...closing }, INCIDENT_READ_PARAMS);
    if (!outcome.ok) return responseFailure(this.options.classify, outcome.response);
    return this.answered(outcome.record, []);
  }

  async comment(op: Comment): Promise<WriteResult> {
    const element = op.visibility === 'internal' ? 'work_notes' : 'comments';
    const outcome = await this.client.updateRecord(this.options.table, op.id, { [element]: op.body }, { sysparm_fields: 'sys_id' });
    if (!outcome.ok) return responseFailure(this.options.classify, outcome.response);
    // The Table API answers with the incident, not the journal entry: find the entry just written.
    const entries = await this.client.listRecords('sys_journal_field', {
      sysparm_query: `element_id=${op.id}^element=${element}^ORDERBYDESCsys_created_on`,
      sysparm_fields: 'sys_id,value',
      sysparm_limit: JOURNAL_LOOKBACK,
    });
    const match = entries.ok ? entries.records.find((r) => text(r.value).trim() === op.body.trim()) : undefined;
    if (!match) return { ok: true, warnings: ['The comment was written but its sys_journal_field entry was not found'] };
    return { ok: true, commentId: text(match.sys_id) };
  }

  /**
   * Fields in the instance's values: emails and group names become sys_ids, null clears a field.
   * Incident fields are single values on the instance, so a list or a reference is refused rather
   * than sent as an empty value (which would clear the field).
   */
  private async body(fields: Record<string, FieldValue>): Promise<{ ok: true; values: Record<string, string> } | Failure> {
    const body: Record<string, string> = {};
    for (const [field, raw] of Object.entries(fields)) {
      const value = textOf(raw);
      if (value === null && raw !== null && raw !== undefined) return userFailure(`ServiceNow incident field ${field} takes a single value, not ${JSON.stringify(raw)}`);
      body[field] = value ?? '';
      if (!value) continue;
      if (USER_FIELDS.includes(field)) {
        const user = await this.references.userByEmail(value);
        if (!user.ok) return responseFailure(this.options.classify, user.response);
        if (!user.sysId) return unknownPerson(field, value, `No ServiceNow user has the email '${value}' (${field})`);
        body[field] = user.sysId;
      } else if (field === 'assignment_group') {
        const group = await this.references.groupByName(value);
        if (!group.ok) return responseFailure(this.options.classify, group.response);
        // An unknown name is sent as is: the instance may still resolve it, or a business rule refuses it.
        if (group.sysId) body[field] = group.sysId;
      }
    }
    return { ok: true, values: body };
  }

  /** The close data policy's fields when the write resolves or closes the incident and they are empty. */
  private closeFields(body: Record<string, string>, current: Record<string, string>): Record<string, string> {
    if (!RESOLVED_STATES.includes(body.state ?? '')) return {};
    const fill: Record<string, string> = {};
    if (!body.close_code && !current.close_code) fill.close_code = this.options.closeCode;
    if (!body.close_notes && !current.close_notes) fill.close_notes = DEFAULT_CLOSE_NOTES;
    return fill;
  }

  /**
   * The written record as the instance holds it, from the write's own answer: the Table API honours
   * `sysparm_fields` (dot-walks included) on POST and PATCH, so no read-back call is needed.
   */
  private answered(row: TableRecord, warnings: string[]): WriteResult {
    const record = toExternalRecord(row, this.options.baseUrl);
    return warnings.length > 0 ? { ok: true, record, warnings } : { ok: true, record };
  }
}

function without(body: Record<string, string>, fields: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !fields.includes(k)));
}
