import type { HaloAction, HaloAgent, HaloTicket } from '../client/types';

export function seedTickets(): HaloTicket[] {
  return [
    {
      id: 1001,
      summary: 'Email delivery delayed for the finance team',
      details: 'Outbound mail from finance is queued for up to 30 minutes.',
      status_id: 1,
      priority_id: 2,
      agent_id: 2,
      client_id: 12,
      tickettype_id: 1,
      dateoccurred: '2026-01-05T09:12:00',
      lastactiondate: '2026-01-05T09:40:00',
      last_update: '2026-01-05T09:40:00',
      third_party_id: null,
    },
    {
      id: 1002,
      summary: 'VPN drops every hour',
      details: 'Remote staff lose the VPN tunnel roughly every 60 minutes.',
      status_id: 2,
      priority_id: 3,
      agent_id: 3,
      client_id: 12,
      tickettype_id: 1,
      dateoccurred: '2026-01-06T14:03:00',
      lastactiondate: '2026-01-07T08:15:00',
      last_update: '2026-01-07T08:15:00',
      third_party_id: null,
    },
  ];
}

export function seedAgents(): HaloAgent[] {
  return [
    { id: 2, name: 'Alex Morgan', email: 'alex.morgan@example.com', isdisabled: false },
    { id: 3, name: 'Sam Patel', email: 'sam.patel@example.com', isdisabled: false },
  ];
}

/** Ticket 1001's history: a public note, a status change (not a note) and a private note. */
export function seedActions(): HaloAction[] {
  return [
    { id: 5001, ticket_id: 1001, outcome: 'Note', note: 'Looking at the mail queue now.', hiddenfromuser: false, who: 'Alex Morgan', datetime: '2026-01-05T09:20:00' },
    { id: 5002, ticket_id: 1001, outcome: 'Status Change', note: 'Status changed from New to In Progress', hiddenfromuser: false, who: 'Alex Morgan', datetime: '2026-01-05T09:25:00' },
    { id: 5003, ticket_id: 1001, outcome: 'Private Note', note: 'Relay throttled by the provider.', hiddenfromuser: true, who: 'Alex Morgan', datetime: '2026-01-05T09:40:00' },
  ];
}
