import type { AdapterManifest } from '@itsm-hub/core';
import { incidentMappings } from './kinds/incident/mappings';
import { haloCredentialsSchema, haloSettingsSchema } from './config';
import { setupSteps } from './setup';

export const manifest: AdapterManifest = {
  type: 'halo',
  aliases: ['haloitsm'],
  displayName: 'HaloITSM',
  version: '0.1.0',
  coreRange: '^2.0.0',
  credentialSchema: haloCredentialsSchema,
  settingsSchema: haloSettingsSchema,
  // Operations are declared as they are implemented: the host calls only what is listed here.
  capabilities: {
    // Versions are `<last_update>#<hash of the fields>` (see kinds/incident/record.ts): equal or different, no order.
    incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'opaque' },
  },
  defaultMappings: { incident: incidentMappings },
  setupSteps,
};
