import { describeAdapterConformance } from '@itsm-hub/core/testing';
import { ACTIONS_PATH, TICKETS_PATH } from './client/assumptions';
import plugin from './index';
import { startEmulator } from './emulator';

describeAdapterConformance({
  plugin,
  start: async (now) => ({
    // The Halo emulator's clock hands out Dates where the kit's counts milliseconds.
    ...(await startEmulator({ now: () => new Date(now()) })),
    // The seeded ticket type and customer, so new tickets look like the ones already there.
    settings: { ticket_type_id: 1, client_id_default: 12 },
  }),
  createValues: {
    title: 'Checkout service is down',
    description: 'Every payment attempt answers HTTP 500.',
    status: 'new',
    priority: 'P2',
    assignee: 'alex.morgan@example.com',
  },
  updateValues: { status: 'in_progress', priority: 'P3', assignee: 'sam.patel@example.com' },
  // A Halo note is one POST to /api/Actions naming the ticket in its body, not a request under the ticket's
  // own path, so the per-minute rate limit is aimed at the actions path.
  paths: { create: TICKETS_PATH, record: () => ACTIONS_PATH },
  // Halo signs nothing: its webhooks carry Basic authentication with the secret as password.
  webhookAuth: 'shared-secret',
});
