import type { AdapterManifest } from '@itsm-hub/core';
import { incidentMappings } from './kinds/incident/mappings';
import { credentialSchema, settingsSchema } from './config';
import { setupSteps } from './setup';

export const manifest: AdapterManifest = {
  type: 'servicenow',
  displayName: 'ServiceNow',
  version: '0.1.0',
  coreRange: '^2.0.0',
  credentialSchema,
  settingsSchema,
  capabilities: {
    // Versions are sys_mod_count, which grows by one with every change to the record.
    incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'counter' },
  },
  defaultMappings: { incident: incidentMappings },
  setupSteps,
  // Integrations created before deliveries carried a signed sent_at keep accepting the old script's.
  newIntegrationSettings: { require_signed_timestamp: true },
};
