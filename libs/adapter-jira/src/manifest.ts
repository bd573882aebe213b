import type { AdapterManifest } from '@itsm-hub/core';
import { DEFAULT_INCIDENT_MAPPINGS } from './kinds/incident/mappings';
import { jiraCredentialSchema, jiraSettingsSchema } from './config';
import { setupSteps } from './setup';

export const manifest: AdapterManifest = {
  type: 'jira',
  displayName: 'Jira Cloud',
  version: '0.1.0',
  coreRange: '^2.0.0',
  credentialSchema: jiraCredentialSchema,
  settingsSchema: jiraSettingsSchema,
  capabilities: {
    // Versions are the issue's `updated` (millisecond precision), which moves forward with every change.
    incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'timestamp' },
  },
  defaultMappings: { incident: DEFAULT_INCIDENT_MAPPINGS },
  // Issues are created in one project.
  requiredToWrite: ['project_key'],
  setupSteps,
};
