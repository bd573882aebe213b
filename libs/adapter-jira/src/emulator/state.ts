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
  /** The user's profile visibility hides the email from the API (it still matches user search). */
  emailHidden?: boolean;
  active: boolean;
  timeZone: string;
  locale: string;
}

export interface EmulatedStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface EmulatedTransition {
  id: string;
  name: string;
  /** Status names the transition leaves from; `*` is a global transition. */
  from: string[];
  to: string;
}

/** A project's workflow for its incident issue type: statuses, the initial one and transitions. */
export interface EmulatedWorkflow {
  initial: string;
  statuses: EmulatedStatus[];
  transitions: EmulatedTransition[];
}

export interface EmulatedProject {
  id: string;
  key: string;
  name: string;
  workflow: EmulatedWorkflow;
}

export interface EmulatedComment {
  id: string;
  authorId: string;
  body: unknown;
  created: string;
  updated: string;
  visibility?: { type: string; value: string };
  properties: Array<{ key: string; value: unknown }>;
}

export interface EmulatedIssue {
  id: string;
  key: string;
  projectKey: string;
  /** Issue fields as Jira returns them (`summary`, `status`, `priority`, ...). */
  fields: Record<string, unknown>;
  comments: EmulatedComment[];
}

export interface EmulatedPriority {
  id: string;
  name: string;
}

export interface JiraEmulatorState {
  /** The account the configured credentials sign in as. */
  me: EmulatedUser;
  users: EmulatedUser[];
  projects: EmulatedProject[];
  priorities: EmulatedPriority[];
  issueTypes: Array<{ id: string; name: string }>;
  issues: EmulatedIssue[];
  /** Next numeric ids (issues, comments, changelogs). */
  sequence: number;
  /** Permissions the signed-in account does not have; tests add to it to make checks fail. */
  withheldPermissions: Set<JiraPermissionKey>;
}

/**
 * OPS follows a classic workflow where Done is three transitions from To Do; SEC's Closed is final,
 * so nothing leads out of it (the workflow with no path, for dead-letter tests).
 */
const OPS_WORKFLOW: EmulatedWorkflow = {
  initial: 'To Do',
  statuses: [
    { id: '10000', name: 'To Do', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '10002', name: 'In Review', category: 'indeterminate' },
    { id: '10001', name: 'Done', category: 'done' },
  ],
  transitions: [
    { id: '11', name: 'Start progress', from: ['To Do'], to: 'In Progress' },
    { id: '21', name: 'Stop progress', from: ['In Progress'], to: 'To Do' },
    { id: '31', name: 'Request review', from: ['In Progress'], to: 'In Review' },
    { id: '41', name: 'Approve', from: ['In Review'], to: 'Done' },
    { id: '51', name: 'Reopen', from: ['Done'], to: 'To Do' },
  ],
};

const SEC_WORKFLOW: EmulatedWorkflow = {
  initial: 'Open',
  statuses: [
    { id: '1', name: 'Open', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '6', name: 'Closed', category: 'done' },
  ],
  transitions: [
    { id: '4', name: 'Start', from: ['Open'], to: 'In Progress' },
    { id: '2', name: 'Close', from: ['In Progress'], to: 'Closed' },
  ],
};

const CATEGORIES = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
} as const;

/** `StatusDetails` of a status name in a project's workflow. */
export function statusJson(project: EmulatedProject, name: string) {
  const status = project.workflow.statuses.find((s) => s.name === name) ?? { id: '0', name, category: 'new' as const };
  return { id: status.id, name: status.name, statusCategory: CATEGORIES[status.category] };
}

/** Jira's timestamp format: `2026-01-12T09:30:00.000+0000`. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function adf(text: string) {
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

function issue(project: EmulatedProject, id: string, number: number, summary: string, status: string, priority: EmulatedPriority, at: string): EmulatedIssue {
  return {
    id,
    key: `${project.key}-${number}`,
    projectKey: project.key,
    fields: {
      summary,
      description: adf(`${summary}. Seeded by the Jira emulator.`),
      environment: null,
      issuetype: { id: '10004', name: 'Incident', subtask: false },
      project: { id: project.id, key: project.key, name: project.name },
      status: statusJson(project, status),
      priority,
      assignee: null,
      labels: [],
      created: at,
      updated: at,
    },
    comments: [],
  };
}

export function createState(email: string, withheld: Iterable<JiraPermissionKey> = []): JiraEmulatorState {
  const me: EmulatedUser = { accountId: '712020:5f0c1a52-0d4e-4c4f-9a1e-3f6a0c8b7d21', displayName: 'Jira Admin', emailAddress: email, active: true, timeZone: 'Etc/UTC', locale: 'en_US' };
  const engineer: EmulatedUser = { accountId: '712020:9b3e7c10-6a2d-4f8e-8c55-1d2e3f4a5b6c', displayName: 'Olivia Ops', emailAddress: 'olivia.ops@example.com', active: true, timeZone: 'Europe/Berlin', locale: 'en_GB' };
  const privateUser: EmulatedUser = { accountId: '712020:0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', displayName: 'Pat Private', emailAddress: 'pat.private@example.com', emailHidden: true, active: true, timeZone: 'Etc/UTC', locale: 'en_US' };
  const ops: EmulatedProject = { id: '10000', key: 'OPS', name: 'Operations', workflow: OPS_WORKFLOW };
  const sec: EmulatedProject = { id: '10001', key: 'SEC', name: 'Security', workflow: SEC_WORKFLOW };
  // Jira's default priority scheme.
  const priorities: EmulatedPriority[] = [
    { id: '1', name: 'Highest' },
    { id: '2', name: 'High' },
    { id: '3', name: 'Medium' },
    { id: '4', name: 'Low' },
    { id: '5', name: 'Lowest' },
  ];
  return {
    me,
    users: [me, engineer, privateUser],
    projects: [ops, sec],
    priorities,
    issueTypes: [{ id: '10004', name: 'Incident' }],
    issues: [
      issue(ops, '10001', 1, 'Checkout API answers 502', 'To Do', priorities[1], '2026-01-12T09:30:00.000+0000'),
      issue(ops, '10002', 2, 'Disk usage above 90% on db-01', 'In Progress', priorities[2], '2026-01-13T14:05:00.000+0000'),
      issue(ops, '10003', 3, 'Certificate renewal for api.example.com', 'In Review', priorities[3], '2026-01-14T08:00:00.000+0000'),
      issue(sec, '10004', 1, 'Leaked token rotation', 'In Progress', priorities[1], '2026-01-14T10:00:00.000+0000'),
    ],
    sequence: 20000,
    withheldPermissions: new Set(withheld),
  };
}
