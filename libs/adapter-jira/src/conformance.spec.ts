import { describeAdapterConformance } from '@itsm-hub/core/testing';
import plugin from './index';
import { startEmulator } from './emulator';

describeAdapterConformance({
  plugin,
  // Jira creates issues in a project: OPS, whose workflow reaches every mapped status (Done is three transitions from To Do).
  start: async (now) => ({ ...(await startEmulator({ now })), settings: { project_key: 'OPS' } }),
  createValues: {
    title: 'Checkout service is down',
    description: 'Every payment attempt answers HTTP 500.',
    status: 'new',
    priority: 'P2',
    assignee: 'olivia.ops@example.com',
  },
  updateValues: { status: 'in_progress', priority: 'P3', description: 'Payments fail for card holders only.' },
  paths: { create: '/rest/api/3/issue', record: (id) => `/rest/api/3/issue/${id}` },
});
