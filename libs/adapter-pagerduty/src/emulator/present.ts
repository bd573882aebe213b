import type { PagerDutyStore, StoredIncident, StoredLogEntry, StoredNote, StoredPriority, StoredService, StoredUser } from './types';

// Serializers to PagerDuty's response shapes. `origin` is the emulator's own URL, so `self` links
// resolve against it the way real ones resolve against https://api.pagerduty.com.

export function reference(origin: string, type: string, collection: string, id: string, summary: string) {
  return { id, type, summary, self: `${origin}/${collection}/${id}`, html_url: `${origin}/${collection}/${id}` };
}

export function presentService(origin: string, service: StoredService) {
  return {
    ...reference(origin, 'service', 'services', service.id, service.name),
    name: service.name,
    description: service.description,
    auto_resolve_timeout: 14400,
    acknowledgement_timeout: 600,
    created_at: service.createdAt,
    status: 'active',
    alert_creation: 'create_alerts_and_incidents',
    escalation_policy: reference(origin, 'escalation_policy_reference', 'escalation_policies', service.escalationPolicyId, 'Default'),
    teams: [],
    integrations: [],
  };
}

export function presentUser(origin: string, user: StoredUser) {
  return {
    ...reference(origin, 'user', 'users', user.id, user.name),
    name: user.name,
    email: user.email,
    time_zone: user.timeZone,
    color: 'green',
    role: user.role,
    avatar_url: 'https://pd-static-assets.pagerduty.com/users/blank-avatar.png',
    invitation_sent: false,
    created_via_sso: false,
    job_title: 'Engineer',
    teams: [],
    contact_methods: [],
    notification_rules: [],
  };
}

export function presentIncident(origin: string, store: PagerDutyStore, incident: StoredIncident) {
  const service = store.services.get(incident.serviceId);
  const priority = store.priorities.find((p) => p.id === incident.priorityId);
  const userName = (id: string) => store.users.find((u) => u.id === id)?.name ?? id;
  const triggered = incident.status === 'resolved' ? 0 : 1;
  return {
    ...reference(origin, 'incident', 'incidents', incident.id, `[#${incident.number}] ${incident.title}`),
    incident_number: incident.number,
    title: incident.title,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
    status: incident.status,
    incident_key: incident.incidentKey,
    service: reference(origin, 'service_reference', 'services', incident.serviceId, service?.name ?? incident.serviceId),
    // PagerDuty empties assignments once an incident is resolved.
    assignments:
      incident.status === 'resolved'
        ? []
        : incident.assigneeIds.map((id) => ({ at: incident.lastStatusChangeAt, assignee: reference(origin, 'user_reference', 'users', id, userName(id)) })),
    assigned_via: 'escalation_policy',
    last_status_change_at: incident.lastStatusChangeAt,
    ...(incident.resolvedAt ? { resolved_at: incident.resolvedAt } : {}),
    alert_counts: { all: 1, triggered, resolved: 1 - triggered },
    is_mergeable: true,
    incident_type: { name: 'incident_default' },
    escalation_policy: reference(origin, 'escalation_policy_reference', 'escalation_policies', incident.escalationPolicyId, 'Default'),
    teams: [],
    pending_actions: [],
    acknowledgements: [],
    last_status_change_by: reference(origin, 'service_reference', 'services', incident.serviceId, service?.name ?? incident.serviceId),
    ...(priority ? { priority: { ...reference(origin, 'priority_reference', 'priorities', priority.id, priority.name), name: priority.name } } : {}),
    incidents_responders: [],
    responder_requests: [],
    urgency: incident.urgency,
  };
}

export function presentPriority(origin: string, priority: StoredPriority) {
  return { ...reference(origin, 'priority', 'priorities', priority.id, priority.name), name: priority.name, description: `${priority.name} incidents` };
}

export function userReference(origin: string, store: PagerDutyStore, userId: string) {
  return reference(origin, 'user_reference', 'users', userId, store.users.find((u) => u.id === userId)?.name ?? userId);
}

export function presentNote(origin: string, store: PagerDutyStore, note: StoredNote) {
  return {
    id: note.id,
    user: userReference(origin, store, note.userId),
    channel: { summary: 'The PagerDuty website or APIs' },
    content: note.content,
    created_at: note.createdAt,
    updated_at: note.createdAt,
  };
}

export function presentLogEntry(origin: string, store: PagerDutyStore, entry: StoredLogEntry) {
  const service = store.services.get(entry.serviceId);
  const serviceRef = reference(origin, 'service_reference', 'services', entry.serviceId, service?.name ?? entry.serviceId);
  const incident = store.incidents.find((i) => i.id === entry.incidentId);
  return {
    id: entry.id,
    type: entry.type,
    summary: entry.summary,
    self: `${origin}/log_entries/${entry.id}`,
    html_url: `${origin}/incidents/${entry.incidentId}/log_entries/${entry.id}`,
    created_at: entry.createdAt,
    agent: entry.agentUserId ? userReference(origin, store, entry.agentUserId) : serviceRef,
    channel: { type: entry.agentUserId ? 'website' : 'api' },
    service: serviceRef,
    incident: reference(origin, 'incident_reference', 'incidents', entry.incidentId, incident ? `[#${incident.number}] ${incident.title}` : entry.incidentId),
    teams: [],
    contexts: [],
    event_details: {},
    ...(entry.assigneeIds ? { assignees: entry.assigneeIds.map((id) => userReference(origin, store, id)) } : {}),
  };
}
