import type { AdapterManifest } from '@itsm-hub/core';
import { incidentMappings } from './mappings';
import { haloCredentialsSchema, haloSettingsSchema } from './schemas';

export const manifest: AdapterManifest = {
  type: 'halo',
  aliases: ['haloitsm'],
  displayName: 'HaloITSM',
  version: '0.1.0',
  coreRange: '^1.0.0',
  credentialSchema: haloCredentialsSchema,
  settingsSchema: haloSettingsSchema,
  // Operations are declared as they are implemented: the host calls only what is listed here.
  capabilities: { incident: ['read', 'find', 'list', 'create', 'update', 'comment', 'webhook'] },
  defaultMappings: { incident: incidentMappings },
};
