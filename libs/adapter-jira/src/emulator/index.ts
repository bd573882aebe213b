import { parseInput } from '@itsm-hub/core';
import type { EmulatorHandle } from '@itsm-hub/core/emulator';
import { jiraCredentialSchema, type JiraCredentials } from '../config';
import { registerIssueRoutes } from './issueRoutes';
import { JiraEmulator } from './JiraEmulator';
import { registerRoutes } from './routes';
import { registerSearchRoutes } from './searchRoutes';
import type { JiraEmulatorState, JiraPermissionKey } from './state';

export type {
  EmulatedComment,
  EmulatedIssue,
  EmulatedPriority,
  EmulatedProject,
  EmulatedStatus,
  EmulatedTransition,
  EmulatedUser,
  EmulatedWorkflow,
  JiraEmulatorState,
  JiraPermissionDefinition,
  JiraPermissionKey,
} from './state';
export { JiraEmulator } from './JiraEmulator';

/** Printed by the hub's emulator CLI when no credentials are given. */
export const DEFAULT_CREDENTIALS: JiraCredentials = { email: 'admin@example.com', api_key: 'jira-api-token' };

export interface JiraEmulatorOptions {
  port?: number;
  host?: string;
  credentials?: Partial<JiraCredentials>;
  /** Permissions the signed-in account lacks from the start (`USER_PICKER` hides other users). */
  withheldPermissions?: JiraPermissionKey[];
  /** Time source in epoch milliseconds (default Date.now). */
  now?: () => number;
}

export type JiraEmulatorHandle = EmulatorHandle & {
  credentials: JiraCredentials;
  emulator: JiraEmulator;
  /** Live data; change `withheldPermissions` to make permission checks fail. */
  state: JiraEmulatorState;
};

/**
 * Jira Cloud REST v3 emulator over HTTP basic auth, kept in memory: `/myself`, `/mypermissions`,
 * users, `/search/jql` (GET and POST, a JQL subset), issues and comments with ADF checked against
 * Atlassian's schema, per-project workflows and transitions, and signed admin webhooks on every
 * change. Projects OPS (three transitions from To Do to Done) and SEC (Closed is final: no way out).
 * Credentials the adapter's schema refuses are refused here too, before anything listens.
 */
export async function startEmulator(options: JiraEmulatorOptions = {}): Promise<JiraEmulatorHandle> {
  const credentials = acceptedCredentials(options.credentials ?? {});
  const emulator = new JiraEmulator(credentials.email, options.withheldPermissions ?? [], options.now ? { now: options.now } : {});
  registerRoutes(emulator, emulator.state, credentials);
  registerSearchRoutes(emulator, emulator.state);
  registerIssueRoutes(emulator);
  const handle = await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return { ...handle, credentials, emulator, state: emulator.state };
}

/**
 * The defaults with the given credentials over them, checked by the adapter's own schema: an emulator
 * accepting credentials no integration could be configured with would only fail later, in the hub.
 * Throws a ValidationError naming the field (`credentials.email: ...`).
 */
function acceptedCredentials(given: Partial<JiraCredentials>): JiraCredentials {
  return parseInput(jiraCredentialSchema, { ...DEFAULT_CREDENTIALS, ...stripUndefined(given) }, 'Jira emulator credentials', 'credentials');
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
