import { randomUUID } from 'node:crypto';
import { reference, userReference } from './present';
import type { PagerDutyStore, StoredIncident, StoredNote } from './types';

// Webhooks v3 payloads (developer-docs docs/webhooks/01-Overview.md): one event per delivery, with
// webhook-style incident data (`number`, `assignees`), which differs from the REST incident.

export type IncidentEventType =
  | 'incident.triggered'
  | 'incident.acknowledged'
  | 'incident.unacknowledged'
  | 'incident.resolved'
  | 'incident.reassigned'
  | 'incident.priority_updated';

export function incidentEvent(origin: string, store: PagerDutyStore, type: IncidentEventType, incident: StoredIncident, at: string, agentUserId: string) {
  const service = store.services.get(incident.serviceId);
  const priority = store.priorities.find((p) => p.id === incident.priorityId);
  return envelope(origin, store, type, at, agentUserId, {
    id: incident.id,
    type: 'incident',
    self: `${origin}/incidents/${incident.id}`,
    html_url: `${origin}/incidents/${incident.id}`,
    number: incident.number,
    status: incident.status,
    incident_key: incident.incidentKey,
    created_at: incident.createdAt,
    title: incident.title,
    service: reference(origin, 'service_reference', 'services', incident.serviceId, service?.name ?? incident.serviceId),
    assignees: incident.status === 'resolved' ? [] : incident.assigneeIds.map((id) => userReference(origin, store, id)),
    escalation_policy: reference(origin, 'escalation_policy_reference', 'escalation_policies', incident.escalationPolicyId, 'Default'),
    teams: [],
    priority: priority ? reference(origin, 'priority_reference', 'priorities', priority.id, priority.name) : null,
    urgency: incident.urgency,
    conference_bridge: null,
    resolve_reason: null,
  });
}

export function noteEvent(origin: string, store: PagerDutyStore, incident: StoredIncident, note: StoredNote) {
  return envelope(origin, store, 'incident.annotated', note.createdAt, note.userId, {
    incident: reference(origin, 'incident_reference', 'incidents', incident.id, incident.title),
    id: note.id,
    content: note.content,
    trimmed: false,
    type: 'incident_note',
  });
}

function envelope(origin: string, store: PagerDutyStore, type: string, at: string, agentUserId: string, data: unknown) {
  return {
    event: {
      id: randomUUID(),
      event_type: type,
      resource_type: 'incident',
      occurred_at: at,
      agent: userReference(origin, store, agentUserId),
      client: null,
      data,
    },
  };
}
