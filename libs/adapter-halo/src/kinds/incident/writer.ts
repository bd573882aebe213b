import { textOf, unknownPerson, type ExternalRecord, type FieldValue, type WriteOperation, type WriteResult } from '@itsm-hub/core';
import { CORRELATION_FIELD, LAST_UPDATE_FIELD, NOTE_OUTCOME, UNASSIGNED_AGENT_ID } from '../../client/assumptions';
import type { HaloClient } from '../../client/http';
import type { HaloTicket } from '../../client/types';
import type { HaloSettings } from '../../config';
import type { AgentDirectory } from '../../client/agents';
import { callFailure, userFailure, type Classify, type WriteFailure } from './failures';
import type { IncidentReader } from './reader';
import { FIELDS, toExternalRecord } from './record';

type Create = Extract<WriteOperation, { op: 'create' }>;
type Update = Extract<WriteOperation, { op: 'update' }>;
type Comment = Extract<WriteOperation, { op: 'comment' }>;

/** Flat record fields that are Halo ticket fields as they are. */
const TEXT_FIELDS = [FIELDS.summary, FIELDS.details] as const;
/** Flat record fields holding Halo ids as decimal text. */
const ID_FIELDS = [FIELDS.status, FIELDS.priority] as const;

/** Ticket creates and updates through the array upsert, and notes through actions. */
export class IncidentWriter {
  constructor(
    private readonly client: HaloClient,
    private readonly agents: AgentDirectory,
    private readonly reader: IncidentReader,
    private readonly settings: HaloSettings,
    private readonly classify: Classify,
  ) {}

  async create(op: Create): Promise<WriteResult> {
    const body = await this.ticketBody(op.fields);
    if (!body.ok) return body;
    const ticket: Record<string, unknown> = { ...body.ticket, [CORRELATION_FIELD]: op.correlationId };
    if (this.settings.ticket_type_id !== undefined) ticket.tickettype_id = this.settings.ticket_type_id;
    if (this.settings.client_id_default !== undefined) ticket.client_id = this.settings.client_id_default;
    return this.upsert(ticket, body.warnings);
  }

  /** Sends only the changed fields: Halo leaves the keys an upsert does not name as they are. */
  async update(op: Update): Promise<WriteResult> {
    if (!/^\d+$/.test(op.id)) return userFailure(`Not a Halo ticket id: ${op.id}`);
    const body = await this.ticketBody(op.fields);
    if (!body.ok) return body;
    return this.upsert({ id: Number(op.id), ...body.ticket }, body.warnings);
  }

  async comment(op: Comment): Promise<WriteResult> {
    if (!/^\d+$/.test(op.id)) return userFailure(`Not a Halo ticket id: ${op.id}`);
    const action = await this.client.addAction({
      ticket_id: Number(op.id),
      outcome: NOTE_OUTCOME,
      note: op.body,
      hiddenfromuser: op.visibility === 'internal',
    });
    if (!action.ok) return callFailure(this.classify, action);
    return { ok: true, commentId: String(action.data.id) };
  }

  private async upsert(ticket: Record<string, unknown>, warnings: string[]): Promise<WriteResult> {
    const written = await this.client.upsertTicket(ticket);
    if (!written.ok) return callFailure(this.classify, written);
    const after = await this.recordAfterWrite(written.data);
    const all = after.warning ? [...warnings, after.warning] : warnings;
    return { ok: true, ...(after.record ? { record: after.record } : {}), ...(all.length > 0 ? { warnings: all } : {}) };
  }

  /**
   * The ticket as Halo now holds it. The upsert answer usually is that ticket; one without its last update
   * (a trimmed answer) is read back, so the record's version is the one later reads report. The write has
   * happened either way, so a failed read-back is a warning: failing the write would repeat it.
   */
  private async recordAfterWrite(answer: HaloTicket): Promise<{ record?: ExternalRecord; warning?: string }> {
    if (answer[LAST_UPDATE_FIELD]) {
      const agent = await this.agents.emailOf(answer.agent_id);
      if (agent.ok) return { record: toExternalRecord(answer, agent.email, this.client.rootUrl) };
    }
    try {
      const record = await this.reader.record(String(answer.id));
      return record ? { record } : { warning: `Ticket ${answer.id} was written but could no longer be read` };
    } catch (err) {
      return { warning: `Ticket ${answer.id} was written but reading it back failed: ${(err as Error).message}` };
    }
  }

  /** The Halo ticket keys for the given flat fields: ids as numbers, the agent email as its id. */
  private async ticketBody(values: Record<string, FieldValue>): Promise<{ ok: true; ticket: Record<string, unknown>; warnings: string[] } | WriteFailure> {
    const flat = textFields(values);
    if (!flat.ok) return userFailure(flat.message);
    const fields = flat.values;
    const ticket: Record<string, unknown> = {};
    const warnings: string[] = [];
    for (const field of TEXT_FIELDS) if (field in fields) ticket[field] = fields[field] ?? '';
    for (const field of ID_FIELDS) {
      if (!(field in fields)) continue;
      const value = fields[field];
      if (value === null || value === '') {
        warnings.push(`Halo tickets always have a ${field}; it was not cleared`);
        continue;
      }
      if (!/^\d+$/.test(value)) return userFailure(`${field} must be a Halo id (a whole number), not '${value}'`);
      ticket[field] = Number(value);
    }
    if (FIELDS.agent in fields) {
      const email = fields[FIELDS.agent];
      if (!email) {
        ticket.agent_id = UNASSIGNED_AGENT_ID;
      } else {
        const agent = await this.agents.idOf(email);
        if (!agent.ok) return 'missing' in agent ? unknownPerson(FIELDS.agent, email, agent.missing) : callFailure(this.classify, agent.rejected);
        ticket.agent_id = agent.id;
      }
    }
    return { ok: true, ticket, warnings };
  }
}

/**
 * The operation's fields as text: every ticket field the adapter writes (summary, details, status and
 * priority ids, the agent's email) is a single value, so a list or a reference is refused rather than
 * written as empty. Numbers (a status id given as 2) become their decimal text.
 */
function textFields(fields: Record<string, FieldValue>): { ok: true; values: Record<string, string | null> } | { ok: false; message: string } {
  const values: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(fields)) {
    const text = textOf(value);
    if (text === null && value !== null && value !== undefined) return { ok: false, message: `Halo incident field ${field} takes a single value, not ${JSON.stringify(value)}` };
    values[field] = text;
  }
  return { ok: true, values };
}
