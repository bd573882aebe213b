import type { AdapterManifest } from '@itsm-hub/core';
import { incidentMappings } from './mappings';
import { pagerDutyCredentialsSchema, pagerDutySettingsSchema } from './schemas';

export const manifest: AdapterManifest = {
  type: 'pagerduty',
  displayName: 'PagerDuty',
  version: '0.1.0',
  coreRange: '^1.0.0',
  credentialSchema: pagerDutyCredentialsSchema,
  settingsSchema: pagerDutySettingsSchema,
  // Declared per kind as read/list/write land; testConnection and classifyError need no capability.
  capabilities: { incident: [] },
  defaultMappings: { incident: incidentMappings },
};
