import { defineAdapter } from '@itsm-hub/core';
import { manifest } from './manifest';
import { ServiceNowAdapter } from './ServiceNowAdapter';

export default defineAdapter({ manifest, create: (context) => new ServiceNowAdapter(context) });

export type { ServiceNowCredentials, ServiceNowSettings } from './config';
