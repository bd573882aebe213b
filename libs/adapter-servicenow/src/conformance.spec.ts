import { describeAdapterConformance } from '@itsm-hub/core/testing';
import plugin from './index';
import { startEmulator } from './emulator';

describeAdapterConformance({
  plugin,
  // All four credentials: the OAuth password grant, the mode most integrations use.
  start: async (now) => ({ ...(await startEmulator({ now })), settings: {} }),
  // A wrong client secret fails at the token endpoint, before the password is even tried.
  wrongCredentials: (credentials) => ({ ...credentials, client_secret: 'wrong-secret' }),
  createValues: {
    title: 'Checkout service is down',
    description: 'Every payment attempt answers HTTP 500.',
    status: 'new',
    priority: 'P2',
    assignee: 'admin@example.com',
    caller: 'abel.tuter@example.com',
    category: 'software',
    assignment_group: 'Service Desk',
  },
  updateValues: { status: 'in_progress', priority: 'P3', description: 'Payments fail for card holders only.' },
  paths: { create: '/api/now/table/incident', record: (id) => `/api/now/table/incident/${id}` },
});
