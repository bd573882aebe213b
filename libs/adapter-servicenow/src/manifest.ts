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
  capabilities: { incident: ['read', 'find', 'list', 'create', 'update', 'comment', 'webhook'] },
  defaultMappings: { incident: incidentMappings },
};
