import type { AdapterManifest } from '@itsm-hub/core';
import { incidentMappings } from './kinds/incident/mappings';
import { pagerDutyCredentialsSchema, pagerDutySettingsSchema } from './config';
import { setupSteps } from './setup';

export const manifest: AdapterManifest = {
  type: 'pagerduty',
  displayName: 'PagerDuty',
  version: '0.1.0',
  coreRange: '^2.0.0',
  credentialSchema: pagerDutyCredentialsSchema,
  settingsSchema: pagerDutySettingsSchema,
  capabilities: {
    // Versions are `<updated_at>#<hash of the fields>` (see kinds/incident/record.ts): equal or different, no order.
    incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'opaque' },
  },
  defaultMappings: { incident: incidentMappings },
  // Incidents are created on one service, and PagerDuty refuses a write without a From user.
  requiredToWrite: ['service_id', 'from_email'],
  setupSteps,
};
