import { defineAdapter } from '@itsm-hub/core';
import { createJiraAdapter as create } from './JiraAdapter';
import { manifest } from './manifest';

export default defineAdapter({ manifest, create });
export type { JiraCredentials, JiraSettings } from './config';
