import { startEmulator as startHalo } from '@itsm-hub/adapter-halo/emulator';
import { startEmulator as startJira } from '@itsm-hub/adapter-jira/emulator';
import { startEmulator as startPagerDuty } from '@itsm-hub/adapter-pagerduty/emulator';
import { startEmulator as startServiceNow } from '@itsm-hub/adapter-servicenow/emulator';

export interface PlatformUnderTest {
  type: string;
  url: string;
  /** Credentials the emulator accepts, as the integration's `credentials` object. */
  credentials: Record<string, string>;
  /** The credential field a test breaks to show the vendor's authentication failure. */
  secretField: string;
  /** Settings an integration that writes to the emulator needs (the manifest's requiredToWrite). */
  settings: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the four platform emulators on free ports. */
export async function startPlatforms(): Promise<PlatformUnderTest[]> {
  const [servicenow, jira, pagerduty, halo] = await Promise.all([startServiceNow(), startJira(), startPagerDuty(), startHalo()]);
  return [
    { type: 'servicenow', url: servicenow.url, credentials: { username: 'admin', password: 'admin' }, secretField: 'password', settings: {}, close: servicenow.close },
    { type: 'jira', url: jira.url, credentials: { ...jira.credentials }, secretField: 'api_key', settings: { project_key: 'OPS' }, close: jira.close },
    { type: 'pagerduty', url: pagerduty.url, credentials: { ...pagerduty.credentials }, secretField: 'token', settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' }, close: pagerduty.close },
    {
      type: 'halo',
      url: halo.url,
      credentials: { client_id: halo.credentials.client_id, client_secret: halo.credentials.client_secret, tenant: halo.credentials.tenant ?? 'demo' },
      secretField: 'client_secret',
      settings: {},
      close: halo.close,
    },
  ];
}
