import type { AdapterManifest } from '@itsm-hub/core';
import { incidentMappings } from './mappings';
import { credentialSchema, settingsSchema } from './schemas';

export const manifest: AdapterManifest = {
  type: 'servicenow',
  displayName: 'ServiceNow',
  version: '0.1.0',
  coreRange: '^1.0.0',
  credentialSchema,
  settingsSchema,
  // Only testConnection and classifyError exist so far: no record capability is declared yet.
  capabilities: { incident: [] },
  defaultMappings: { incident: incidentMappings },
};
