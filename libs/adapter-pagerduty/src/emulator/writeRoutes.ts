import { randomBytes } from 'node:crypto';
import { z } from '@itsm-hub/core';
import { type EmulatorContext, nextNumber, requestBody } from '@itsm-hub/core/emulator';
import { pagerDutyError } from './errors';
import { incidentEvent, noteEvent, type IncidentEventType } from './events';
import { invalidInput, isoSeconds, notFound, origin } from './http';
import type { PagerDutyEmulator } from './PagerDutyEmulator';
import { presentIncident, presentNote } from './present';
import type { LogEntryType, PagerDutyStore, StoredIncident, StoredUser } from './types';

const reference = z.looseObject({ id: z.string().min(1) });
const assignments = z.array(z.looseObject({ assignee: reference }));

const createBody = z.looseObject({
  incident: z.looseObject({
    type: z.literal('incident'),
    title: z.string().min(1),
    service: reference,
    urgency: z.enum(['high', 'low']).optional(),
    incident_key: z.string().min(1).optional(),
    priority: reference.optional(),
    body: z.looseObject({ details: z.string().optional() }).optional(),
    assignments: assignments.optional(),
    escalation_policy: reference.optional(),
  }),
});

const updateBody = z.looseObject({
  incident: z.looseObject({
    type: z.enum(['incident', 'incident_reference']),
    status: z.enum(['triggered', 'acknowledged', 'resolved']).optional(),
    title: z.string().min(1).optional(),
    urgency: z.enum(['high', 'low']).optional(),
    // The spec takes a priority reference or a priority's name.
    priority: z.union([reference, z.string().min(1)]).optional(),
    assignments: assignments.optional(),
  }),
});

const noteBody = z.looseObject({ note: z.looseObject({ content: z.string().min(1) }) });

/**
 * The write endpoints. Every change is stamped with the emulator clock, written to the log entries
 * and announced to webhook subscribers, whichever way it was made.
 */
export function installWriteRoutes(emulator: PagerDutyEmulator): void {
  const { router, store } = emulator;
  const now = () => isoSeconds(emulator.time());

  router.post('/incidents', (ctx) => {
    const user = requester(ctx, store);
    if (!user) return;
    const parsed = createBody.safeParse(requestBody(ctx));
    if (!parsed.success) return invalidInput(ctx, issue(parsed.error.issues));
    const input = parsed.data.incident;
    const service = store.services.get(input.service.id);
    if (!service) return invalidInput(ctx, 'Service not found.');
    if (input.assignments && input.escalation_policy) return invalidInput(ctx, 'Assignments cannot be specified if an escalation policy is given.');
    const priorityId = input.priority?.id;
    if (priorityId !== undefined && !store.priorities.some((p) => p.id === priorityId)) return invalidInput(ctx, 'Priority not found.');
    const assigneeIds = input.assignments?.map((a) => a.assignee.id) ?? [];
    if (!assigneeIds.every((id) => store.users.some((u) => u.id === id))) return invalidInput(ctx, 'Assignee not found.');
    const key = input.incident_key ?? randomBytes(16).toString('hex');
    if (store.incidents.some((i) => i.serviceId === service.id && i.incidentKey === key && i.status !== 'resolved')) {
      // PagerDuty's answer to a repeated key while the first incident is open. The text is from
      // public client code that matches on it; the code (2002 rather than 2001) is unconfirmed.
      ctx.status = 400;
      ctx.body = pagerDutyError('Arguments Caused Error', 2002, ['Open incident with matching dedup key already exists on this service']);
      return;
    }
    const at = now();
    store.sequence += 1;
    const incident: StoredIncident = {
      id: `PINC${store.sequence}`,
      number: nextNumber(store.incidents, Math.max(0, ...store.incidents.map((i) => i.number))),
      title: input.title,
      status: 'triggered',
      urgency: input.urgency ?? 'high',
      serviceId: service.id,
      escalationPolicyId: input.escalation_policy?.id ?? service.escalationPolicyId,
      incidentKey: key,
      ...(priorityId ? { priorityId } : {}),
      assigneeIds,
      createdAt: at,
      updatedAt: at,
      lastStatusChangeAt: at,
      ...(input.body?.details ? { details: input.body.details } : {}),
    };
    store.incidents.push(incident);
    log(store, incident, 'trigger_log_entry', at, user, 'Triggered through the API.');
    if (assigneeIds.length > 0) log(store, incident, 'assign_log_entry', at, user, 'Assigned through the API.', assigneeIds);
    emulator.deliverWebhook(incidentEvent(origin(ctx), store, 'incident.triggered', incident, at, user.id));
    ctx.status = 201;
    ctx.body = { incident: presentIncident(origin(ctx), store, incident) };
  });

  router.put('/incidents/:id', (ctx) => {
    const user = requester(ctx, store);
    if (!user) return;
    const incident = store.incidents.find((i) => i.id === ctx.params.id);
    if (!incident) return notFound(ctx);
    const parsed = updateBody.safeParse(requestBody(ctx));
    if (!parsed.success) return invalidInput(ctx, issue(parsed.error.issues));
    const input = parsed.data.incident;
    // The spec lets accounts reopen resolved incidents; this emulates an account without that, where
    // PagerDuty refuses (message unconfirmed).
    if (incident.status === 'resolved' && input.status !== undefined && input.status !== 'resolved') {
      return invalidInput(ctx, 'Incident Already Resolved');
    }
    const priority = input.priority === undefined ? undefined : store.priorities.find((p) => (typeof input.priority === 'string' ? p.name === input.priority : p.id === input.priority!.id));
    if (input.priority !== undefined && !priority) return invalidInput(ctx, 'Priority not found.');
    const assigneeIds = input.assignments?.map((a) => a.assignee.id);
    if (assigneeIds && !assigneeIds.every((id) => store.users.some((u) => u.id === id))) return invalidInput(ctx, 'Assignee not found.');

    const at = now();
    const events: IncidentEventType[] = [];
    let changed = false;
    if (input.title !== undefined && input.title !== incident.title) {
      // No v3 event exists for a title change, and no log entry type either.
      incident.title = input.title;
      changed = true;
    }
    if (input.urgency !== undefined && input.urgency !== incident.urgency) {
      incident.urgency = input.urgency;
      log(store, incident, 'urgency_change_log_entry', at, user, `Urgency changed to ${input.urgency}.`);
      changed = true;
    }
    if (priority && priority.id !== incident.priorityId) {
      // PagerDuty announces it by webhook; whether it writes a log entry is unconfirmed, so none is written.
      incident.priorityId = priority.id;
      events.push('incident.priority_updated');
      changed = true;
    }
    if (assigneeIds && assigneeIds.join() !== incident.assigneeIds.join()) {
      incident.assigneeIds = assigneeIds;
      log(store, incident, 'assign_log_entry', at, user, `Reassigned by ${user.name}.`, assigneeIds);
      events.push('incident.reassigned');
      changed = true;
    }
    if (input.status !== undefined && input.status !== incident.status) {
      const transition = STATUS_CHANGES[`${incident.status}>${input.status}`];
      incident.status = input.status;
      incident.lastStatusChangeAt = at;
      if (input.status === 'resolved') incident.resolvedAt = at;
      log(store, incident, transition.entry, at, user, `${transition.summary} by ${user.name}.`);
      events.push(transition.event);
      changed = true;
    }
    if (changed) incident.updatedAt = at;
    for (const type of events) emulator.deliverWebhook(incidentEvent(origin(ctx), store, type, incident, at, user.id));
    ctx.body = { incident: presentIncident(origin(ctx), store, incident) };
  });

  router.post('/incidents/:id/notes', (ctx) => {
    const user = requester(ctx, store);
    if (!user) return;
    const incident = store.incidents.find((i) => i.id === ctx.params.id);
    if (!incident) return notFound(ctx);
    const parsed = noteBody.safeParse(requestBody(ctx));
    if (!parsed.success) return invalidInput(ctx, issue(parsed.error.issues));
    const at = now();
    store.sequence += 1;
    const note = { id: `PNOT${store.sequence}`, incidentId: incident.id, userId: user.id, content: parsed.data.note.content, createdAt: at };
    store.notes.push(note);
    log(store, incident, 'annotate_log_entry', at, user, `Note added by ${user.name}.`);
    emulator.deliverWebhook(noteEvent(origin(ctx), store, incident, note));
    // The spec documents 200 for a created note.
    ctx.body = { note: presentNote(origin(ctx), store, note) };
  });
}

const STATUS_CHANGES: Record<string, { entry: LogEntryType; event: IncidentEventType; summary: string }> = {
  'triggered>acknowledged': { entry: 'acknowledge_log_entry', event: 'incident.acknowledged', summary: 'Acknowledged' },
  'acknowledged>triggered': { entry: 'unacknowledge_log_entry', event: 'incident.unacknowledged', summary: 'Unacknowledged' },
  'triggered>resolved': { entry: 'resolve_log_entry', event: 'incident.resolved', summary: 'Resolved' },
  'acknowledged>resolved': { entry: 'resolve_log_entry', event: 'incident.resolved', summary: 'Resolved' },
};

/**
 * The user named by the `From` header, which the spec requires on these writes. PagerDuty's exact
 * message for a missing or unknown email is unconfirmed.
 */
function requester(ctx: EmulatorContext, store: PagerDutyStore): StoredUser | undefined {
  const from = ctx.get('From').trim().toLowerCase();
  const user = store.users.find((u) => u.email.toLowerCase() === from);
  if (!user) return invalidInput(ctx, from ? `Requester User Not Found: ${from}` : 'The From header is required and must be the email address of a user on the account.');
  return user;
}

function log(store: PagerDutyStore, incident: StoredIncident, type: LogEntryType, at: string, user: StoredUser, summary: string, assigneeIds?: string[]): void {
  store.sequence += 1;
  store.logEntries.push({
    id: `RLOG${store.sequence}`,
    type,
    incidentId: incident.id,
    serviceId: incident.serviceId,
    createdAt: at,
    agentUserId: user.id,
    summary,
    ...(assigneeIds ? { assigneeIds } : {}),
  });
}

function issue(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const first = issues[0];
  return first ? `${first.path.map(String).join('.')}: ${first.message}` : 'Invalid body.';
}
