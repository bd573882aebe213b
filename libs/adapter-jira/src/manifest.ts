import type { AdapterManifest } from '@itsm-hub/core';
import { DEFAULT_INCIDENT_MAPPINGS } from './mappings';
import { jiraCredentialSchema, jiraSettingsSchema } from './schemas';

export const manifest: AdapterManifest = {
  type: 'jira',
  displayName: 'Jira Cloud',
  version: '0.1.0',
  coreRange: '^1.0.0',
  credentialSchema: jiraCredentialSchema,
  settingsSchema: jiraSettingsSchema,
  capabilities: { incident: ['read', 'find', 'list', 'create', 'update', 'comment', 'webhook'] },
  defaultMappings: { incident: DEFAULT_INCIDENT_MAPPINGS },
};
