import type { PagerDutyStore } from './types';

/**
 * A small account: one service ('PSVC001'), one user whose email ('oncall@example.com') is a valid
 * From address, PagerDuty's default priorities P1..P5, and two incidents on that service with their
 * notes and log entries. Times are relative to `now` so they fall inside
 * the one-month window PagerDuty lists by default.
 */
export function seedStore(now: Date): PagerDutyStore {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    abilities: ['teams', 'read_only_users', 'service_support_hours', 'urgencies'],
    services: new Map([
      ['PSVC001', { id: 'PSVC001', name: 'Checkout API', description: 'Payment and checkout backend', escalationPolicyId: 'PESC001', createdAt: at(24 * 90) }],
    ]),
    users: [{ id: 'PUSR001', name: 'On-Call Engineer', email: 'oncall@example.com', role: 'admin', timeZone: 'Etc/UTC' }],
    // PagerDuty's default priority scheme; an account with priorities turned off has none.
    priorities: [
      { id: 'PPRI001', name: 'P1' },
      { id: 'PPRI002', name: 'P2' },
      { id: 'PPRI003', name: 'P3' },
      { id: 'PPRI004', name: 'P4' },
      { id: 'PPRI005', name: 'P5' },
    ],
    notes: [{ id: 'PNOT001', incidentId: 'PINC001', userId: 'PUSR001', content: 'Looking at the checkout pods', createdAt: at(2) }],
    logEntries: [
      { id: 'RLOG001', type: 'trigger_log_entry', incidentId: 'PINC002', serviceId: 'PSVC001', createdAt: at(30), summary: 'Triggered through the API.' },
      { id: 'RLOG002', type: 'resolve_log_entry', incidentId: 'PINC002', serviceId: 'PSVC001', createdAt: at(20), agentUserId: 'PUSR001', summary: 'Resolved by On-Call Engineer.' },
      { id: 'RLOG003', type: 'trigger_log_entry', incidentId: 'PINC001', serviceId: 'PSVC001', createdAt: at(3), summary: 'Triggered through the API.' },
      { id: 'RLOG004', type: 'assign_log_entry', incidentId: 'PINC001', serviceId: 'PSVC001', createdAt: at(3), assigneeIds: ['PUSR001'], summary: 'Assigned to On-Call Engineer.' },
      { id: 'RLOG005', type: 'annotate_log_entry', incidentId: 'PINC001', serviceId: 'PSVC001', createdAt: at(2), agentUserId: 'PUSR001', summary: 'Note added by On-Call Engineer.' },
    ],
    sequence: 100,
    incidents: [
      {
        id: 'PINC001', number: 1, title: 'Checkout latency above SLO', status: 'triggered', urgency: 'high',
        serviceId: 'PSVC001', escalationPolicyId: 'PESC001', incidentKey: 'checkout-latency', priorityId: 'PPRI001',
        assigneeIds: ['PUSR001'], createdAt: at(3), updatedAt: at(3), lastStatusChangeAt: at(3),
      },
      {
        id: 'PINC002', number: 2, title: 'Disk almost full on db-2', status: 'resolved', urgency: 'low',
        serviceId: 'PSVC001', escalationPolicyId: 'PESC001', incidentKey: 'db-2-disk', priorityId: 'PPRI002',
        assigneeIds: [], createdAt: at(30), updatedAt: at(20), lastStatusChangeAt: at(20), resolvedAt: at(20),
      },
    ],
  };
}
