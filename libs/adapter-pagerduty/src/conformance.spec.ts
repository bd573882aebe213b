import { describeAdapterConformance } from '@itsm-hub/core/testing';
import plugin from './index';
import { startEmulator } from './emulator';

describeAdapterConformance({
  plugin,
  // The seeded service and user: PagerDuty creates incidents on a service, and every write names a user in From.
  start: async (now) => ({ ...(await startEmulator({ now })), settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' } }),
  createValues: { title: 'Checkout service is down', status: 'new', priority: 'P2', assignee: 'oncall@example.com' },
  updateValues: { status: 'acknowledged', priority: 'P4' },
  paths: { create: '/incidents', record: (id) => `/incidents/${id}` },
});
