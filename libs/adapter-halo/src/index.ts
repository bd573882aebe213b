import { defineAdapter } from '@itsm-hub/core';
import { HaloAdapter } from './HaloAdapter';
import { manifest } from './manifest';

export default defineAdapter({ manifest, create: (context) => new HaloAdapter(context) });

export type { HaloCredentials, HaloSettings } from './config';
