import { textOf, TransportError, unknownPerson, type ErrorClassification, type FieldValue, type VendorFailure, type WriteOperation, type WriteResult } from '@itsm-hub/core';
import type { PagerDutyClient, PagerDutyRejected } from '../../client/http';
import type { PagerDutyIncident } from '../../client/types';
import type { Lookup, PagerDutyDirectory } from '../../client/directory';
import { toExternalRecord } from './record';
import type { PagerDutySettings } from '../../config';

type Classify = (failure: VendorFailure) => ErrorClassification;
type WriteFailure = Extract<WriteResult, { ok: false }>;

/** Either the body parts to send with warnings about what was left out, or why nothing can be sent. */
type Built = { ok: true; body: Record<string, unknown>; warnings: string[] } | { ok: false; result: WriteResult };

/** Applies the hub's write operations to PagerDuty incidents, one result per operation. */
export class IncidentWriter {
  constructor(
    private readonly client: PagerDutyClient,
    private readonly directory: PagerDutyDirectory,
    private readonly settings: PagerDutySettings,
    private readonly classify: Classify,
  ) {}

  async apply(op: WriteOperation): Promise<WriteResult> {
    try {
      const from = this.settings.from_email;
      if (from === undefined) return this.refuse('config', 'Set from_email: PagerDuty requires a user email in the From header of every write');
      switch (op.op) {
        case 'create': return await this.create(op.correlationId, op.fields, from);
        case 'update': return await this.update(op.id, op.fields, from);
        case 'comment': return await this.comment(op.id, op.body, from);
        default: return this.refuse('config', `PagerDuty incidents do not support ${op.op}`);
      }
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const classification = this.classify({ type: 'transport', error });
      return { ok: false, error: classification, vendorMessage: error.message };
    }
  }

  private async create(correlationId: string, values: Record<string, FieldValue>, from: string): Promise<WriteResult> {
    const serviceId = this.settings.service_id;
    if (serviceId === undefined) return this.refuse('config', 'Set service_id: PagerDuty creates incidents on a service');
    const flat = textFields(values);
    if (!flat.ok) return this.refuse('user', flat.message);
    const fields = flat.values;
    const title = fields.title;
    if (!title) return this.refuse('user', 'PagerDuty incidents need a title');
    const built = await this.changes(fields, 'create');
    if (!built.ok) return built.result;
    const details = fields['body.details'];
    const incident = {
      type: 'incident',
      title,
      service: { id: serviceId, type: 'service_reference' },
      // PagerDuty refuses a second open incident with this key on the service: the hub's id makes creates idempotent.
      incident_key: correlationId,
      ...(details ? { body: { type: 'incident_body', details } } : {}),
      ...withoutKeys(built.body, ['title', 'status']),
    };
    const created = await this.client.createIncident(from, incident);
    if (!created.ok) return this.rejected(created);
    // Incidents are always created triggered; another status needs an update right after.
    const status = fields.status;
    if (status && status !== created.data.status) {
      const updated = await this.client.updateIncident(created.data.id, from, { type: 'incident_reference', status });
      if (!updated.ok) return { ...this.rejected(updated), vendorMessage: `Incident ${created.data.id} was created but its status not set: ${updated.message}` };
      return this.written(updated.data, built.warnings);
    }
    return this.written(created.data, built.warnings);
  }

  private async update(id: string, values: Record<string, FieldValue>, from: string): Promise<WriteResult> {
    const flat = textFields(values);
    if (!flat.ok) return this.refuse('user', flat.message);
    const fields = flat.values;
    const built = await this.changes(fields, 'update');
    if (!built.ok) return built.result;
    const warnings = [...built.warnings];
    if ('body.details' in fields) warnings.push('PagerDuty cannot change an incident’s details after it is created; body.details was not sent');
    if (Object.keys(built.body).length === 0) {
      const current = await this.client.getIncident(id);
      return current.ok ? this.written(current.data, warnings) : this.rejected(current);
    }
    const updated = await this.client.updateIncident(id, from, { type: 'incident_reference', ...built.body });
    return updated.ok ? this.written(updated.data, warnings) : this.rejected(updated);
  }

  private async comment(id: string, body: string, from: string): Promise<WriteResult> {
    // PagerDuty notes have no visibility: every note is visible to everyone who sees the incident.
    const note = await this.client.createNote(id, from, body);
    return note.ok ? { ok: true, commentId: note.data.id } : this.rejected(note);
  }

  /** The incident body parts for the changed fields, with ids looked up for emails and priority names. */
  private async changes(fields: Record<string, string | null>, op: 'create' | 'update'): Promise<Built> {
    const body: Record<string, unknown> = {};
    const warnings: string[] = [];
    if (fields.title) body.title = fields.title;
    if (fields.status) body.status = fields.status;
    if (fields.urgency) body.urgency = fields.urgency;
    if ('priority' in fields) {
      const priority = await this.priority(fields.priority ?? null);
      if (!priority.ok) return priority;
      if (priority.id) body.priority = { id: priority.id, type: 'priority_reference' };
      if (priority.warning) warnings.push(priority.warning);
    }
    if ('assignee' in fields) {
      const email = fields.assignee;
      if (email) {
        const user = await this.directory.userIdOf(email);
        if (!user.ok) return { ok: false, result: 'missing' in user ? unknownPerson('assignee', email, user.missing) : this.lookupFailed(user) };
        body.assignments = [{ assignee: { id: user.value, type: 'user_reference' } }];
      } else if (op === 'update') {
        warnings.push('PagerDuty cannot leave an incident without an assignee; the assignee was not cleared');
      }
    }
    return { ok: true, body, warnings };
  }

  private async priority(name: string | null): Promise<({ ok: true; id?: string; warning?: string }) | { ok: false; result: WriteResult }> {
    if (!name) return { ok: true, warning: 'PagerDuty cannot clear an incident’s priority; the priority was not cleared' };
    const priorities = await this.directory.priorities();
    if (!priorities.ok) return { ok: false, result: this.lookupFailed(priorities) };
    if (priorities.value.length === 0) return { ok: true, warning: `Priorities are turned off on this PagerDuty account; priority ${name} was not set` };
    const match = priorities.value.find((p) => p.name === name);
    if (!match) {
      const known = priorities.value.map((p) => p.name).join(', ');
      return { ok: false, result: this.refuse('user', `PagerDuty has no priority named ${name} (it has ${known})`) };
    }
    return { ok: true, id: match.id };
  }

  private async written(incident: PagerDutyIncident, warnings: string[]): Promise<WriteResult> {
    const record = await toExternalRecord(incident, this.directory);
    return warnings.length > 0 ? { ok: true, record, warnings } : { ok: true, record };
  }

  private rejected(result: PagerDutyRejected): WriteFailure {
    const error = this.classify({ type: 'response', status: result.status, headers: result.headers, body: result.body });
    return { ok: false, error, vendorMessage: result.message, status: result.status };
  }

  private lookupFailed(lookup: Exclude<Lookup<unknown>, { ok: true }>): WriteResult {
    return 'rejected' in lookup ? this.rejected(lookup.rejected) : this.refuse('user', lookup.missing);
  }

  private refuse(kind: 'config' | 'user', message: string): WriteResult {
    return { ok: false, error: { action: 'fail', kind, message }, vendorMessage: message };
  }
}

/**
 * The operation's fields as text: every incident field PagerDuty takes here (title, status, urgency,
 * priority name, assignee email, details) is a single value, so a list or a reference is refused
 * rather than written as empty.
 */
function textFields(fields: Record<string, FieldValue>): { ok: true; values: Record<string, string | null> } | { ok: false; message: string } {
  const values: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(fields)) {
    const text = textOf(value);
    if (text === null && value !== null && value !== undefined) return { ok: false, message: `PagerDuty incident field ${field} takes a single value, not ${JSON.stringify(value)}` };
    values[field] = text;
  }
  return { ok: true, values };
}

function withoutKeys(body: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !keys.includes(key)));
}
