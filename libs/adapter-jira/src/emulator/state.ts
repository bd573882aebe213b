/** In-memory data of the Jira emulator: one signed-in account, a few users, project OPS and its issues. */

export type JiraPermissionKey =
  | 'ADMINISTER'
  | 'USER_PICKER'
  | 'BROWSE_PROJECTS'
  | 'CREATE_ISSUES'
  | 'EDIT_ISSUES'
  | 'ASSIGN_ISSUES'
  | 'RESOLVE_ISSUES'
  | 'ADD_COMMENTS'
  | 'TRANSITION_ISSUES';

export interface JiraPermissionDefinition {
  id: string;
  key: JiraPermissionKey;
  name: string;
  type: 'GLOBAL' | 'PROJECT';
  description: string;
}

/**
 * Jira's built-in permissions the emulator knows. EDIT_ISSUES (id 12) is the spec's example; the
 * other ids and descriptions follow Jira's built-in permission scheme (not in the spec: unconfirmed).
 */
export const PERMISSIONS: Record<JiraPermissionKey, JiraPermissionDefinition> = {
  ADMINISTER: { id: '0', key: 'ADMINISTER', name: 'Administer Jira', type: 'GLOBAL', description: 'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.' },
  USER_PICKER: { id: '27', key: 'USER_PICKER', name: 'Browse users and groups', type: 'GLOBAL', description: 'View and select users or groups from the user picker, and share issues. Users with this permission can see the names of all users and groups on your site.' },
  BROWSE_PROJECTS: { id: '10', key: 'BROWSE_PROJECTS', name: 'Browse Projects', type: 'PROJECT', description: 'Ability to browse projects and the issues within them.' },
  CREATE_ISSUES: { id: '11', key: 'CREATE_ISSUES', name: 'Create Issues', type: 'PROJECT', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: '12', key: 'EDIT_ISSUES', name: 'Edit Issues', type: 'PROJECT', description: 'Ability to edit issues.' },
  ASSIGN_ISSUES: { id: '13', key: 'ASSIGN_ISSUES', name: 'Assign Issues', type: 'PROJECT', description: 'Ability to assign issues to other people.' },
  RESOLVE_ISSUES: { id: '14', key: 'RESOLVE_ISSUES', name: 'Resolve Issues', type: 'PROJECT', description: 'Ability to resolve and reopen issues. This includes the ability to set a fix version.' },
  ADD_COMMENTS: { id: '15', key: 'ADD_COMMENTS', name: 'Add Comments', type: 'PROJECT', description: 'Ability to comment on issues.' },
  TRANSITION_ISSUES: { id: '46', key: 'TRANSITION_ISSUES', name: 'Transition Issues', type: 'PROJECT', description: 'Ability to transition issues.' },
};

export function isPermissionKey(key: string): key is JiraPermissionKey {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, key);
}

export interface EmulatedUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
  active: boolean;
  timeZone: string;
  locale: string;
}

export interface EmulatedProject {
  id: string;
  key: string;
  name: string;
}

export interface EmulatedIssue {
  id: string;
  key: string;
  projectKey: string;
  /** Issue fields as Jira returns them (`summary`, `status`, `priority`, ...). */
  fields: Record<string, unknown>;
}

export interface JiraEmulatorState {
  /** The account the configured credentials sign in as. */
  me: EmulatedUser;
  users: EmulatedUser[];
  projects: EmulatedProject[];
  issues: EmulatedIssue[];
  /** Permissions the signed-in account does not have; tests add to it to make checks fail. */
  withheldPermissions: Set<JiraPermissionKey>;
}

const OPS: EmulatedProject = { id: '10000', key: 'OPS', name: 'Operations' };

function adf(text: string) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

function issue(id: string, number: number, summary: string, status: [string, string, string], priority: [string, string], at: string): EmulatedIssue {
  const [statusId, statusName, categoryKey] = status;
  return {
    id,
    key: `${OPS.key}-${number}`,
    projectKey: OPS.key,
    fields: {
      summary,
      description: adf(`${summary}. Seeded by the Jira emulator.`),
      issuetype: { id: '10004', name: 'Incident', subtask: false },
      project: { id: OPS.id, key: OPS.key, name: OPS.name },
      status: { id: statusId, name: statusName, statusCategory: { id: categoryKey === 'new' ? 2 : 4, key: categoryKey, name: categoryKey === 'new' ? 'To Do' : 'In Progress' } },
      priority: { id: priority[0], name: priority[1] },
      assignee: null,
      created: at,
      updated: at,
    },
  };
}

export function createState(email: string, withheld: Iterable<JiraPermissionKey> = []): JiraEmulatorState {
  const me: EmulatedUser = { accountId: '712020:5f0c1a52-0d4e-4c4f-9a1e-3f6a0c8b7d21', displayName: 'Jira Admin', emailAddress: email, active: true, timeZone: 'Etc/UTC', locale: 'en_US' };
  const engineer: EmulatedUser = { accountId: '712020:9b3e7c10-6a2d-4f8e-8c55-1d2e3f4a5b6c', displayName: 'Olivia Ops', emailAddress: 'olivia.ops@example.com', active: true, timeZone: 'Europe/Berlin', locale: 'en_GB' };
  return {
    me,
    users: [me, engineer],
    projects: [OPS],
    issues: [
      issue('10001', 1, 'Checkout API answers 502', ['10000', 'To Do', 'new'], ['2', 'High'], '2026-01-12T09:30:00.000+0000'),
      issue('10002', 2, 'Disk usage above 90% on db-01', ['3', 'In Progress', 'indeterminate'], ['3', 'Medium'], '2026-01-13T14:05:00.000+0000'),
    ],
    withheldPermissions: new Set(withheld),
  };
}
