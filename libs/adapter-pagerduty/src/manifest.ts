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
  capabilities: { incident: ['read', 'find', 'list', 'create', 'update', 'comment', 'webhook'] },
  defaultMappings: { incident: incidentMappings },
};
