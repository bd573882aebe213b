import { defineAdapter, type AdapterContext } from '@itsm-hub/core';
import { manifest } from './manifest';
import { PagerDutyAdapter } from './PagerDutyAdapter';

export default defineAdapter({ manifest, create: (context: AdapterContext) => new PagerDutyAdapter(context) });
export type { PagerDutyCredentials, PagerDutySettings } from './config';
