/** A Table API row as stored: every value is a string; references hold the target's sys_id. */
export type Row = Record<string, string>;

export const ADMIN_USER_ID = '6816f79cc0a8016401c5a33be04be441';
export const CALLER_USER_ID = '62826bf03710200044e0bfc8bcbe5df1';
export const SERVICE_DESK_GROUP_ID = 'd625dccec0a8016700a222a0f7900d06';
export const LEGACY_GROUP_ID = '8a4dde73c6112278017a6a4baf547aa7';

/** Reference columns per table and the table they point to. */
export const REFERENCES: Record<string, Record<string, string>> = {
  incident: { caller_id: 'sys_user', assigned_to: 'sys_user', opened_by: 'sys_user', assignment_group: 'sys_user_group' },
  sys_user: {},
  sys_user_group: {},
  sys_journal_field: {},
  sys_user_role: {},
  sys_user_has_role: { user: 'sys_user', role: 'sys_user_role' },
};

/** Columns the `system()` helper fills. */
const SYSTEM_COLUMNS = ['sys_created_on', 'sys_created_by', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count', 'sys_tags'] as const;

/** Base-system roles the emulator knows; grants of others are refused when it starts. */
export const ROLE_NAMES = ['admin', 'itil', 'sn_incident_read', 'sn_incident_write'] as const;

/** The user every authenticated call acts as, and the roles sys_user_has_role lists for it. */
export interface ApiUser {
  userName: string;
  roles: readonly string[];
}

const API_USER_ID = '5137153cc611227c000bbd1bd8cd2005';

/** Incident columns the emulator stores; writes to other names are ignored, as instances ignore unknown fields. */
export const INCIDENT_COLUMNS = [
  'number', 'short_description', 'description', 'state', 'impact', 'urgency', 'priority', 'active', 'caller_id', 'opened_by',
  'assigned_to', 'assignment_group', 'category', 'subcategory', 'close_code', 'close_notes', 'correlation_id', 'opened_at',
  'resolved_at', 'closed_at', 'sys_class_name',
  // Seed 004's optional fields, which hub mappings set as platform fields (the canonical incident lacks them).
  'cmdb_ci', 'business_service', 'service_offering',
] as const;

/**
 * Columns per table, which encoded queries may name. Declared rather than read off the rows because
 * sys_journal_field (and sys_user_has_role for a user without roles) starts empty.
 */
export const COLUMNS: Record<string, readonly string[]> = {
  incident: ['sys_id', ...INCIDENT_COLUMNS, ...SYSTEM_COLUMNS],
  sys_user: ['sys_id', 'user_name', 'name', 'first_name', 'last_name', 'email', 'active', 'sys_class_name', ...SYSTEM_COLUMNS],
  sys_user_group: ['sys_id', 'name', 'active', ...SYSTEM_COLUMNS],
  sys_journal_field: ['sys_id', 'name', 'element', 'element_id', 'value', 'sys_created_on', 'sys_created_by'],
  sys_user_role: ['sys_id', 'name', ...SYSTEM_COLUMNS],
  sys_user_has_role: ['sys_id', 'user', 'role', 'state', 'inherited', ...SYSTEM_COLUMNS],
};

/** The column a referenced table shows as a reference's display value (its dictionary's display field). */
export const DISPLAY_FIELDS: Record<string, string> = { sys_user: 'name', sys_user_group: 'name', sys_user_role: 'name' };

const IMPACT_LABELS = { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' };

/** Base-system choice labels, the display values of choice fields. */
export const CHOICE_LABELS: Record<string, Record<string, Record<string, string>>> = {
  incident: {
    state: { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' },
    impact: IMPACT_LABELS,
    urgency: IMPACT_LABELS,
    priority: { '1': '1 - Critical', '2': '2 - High', '3': '3 - Moderate', '4': '4 - Low', '5': '5 - Planning' },
  },
};

export function system(createdOn: string, modCount = '0', by = 'admin'): Row {
  return {
    sys_created_on: createdOn,
    sys_created_by: by,
    sys_updated_on: createdOn,
    sys_updated_by: by,
    sys_mod_count: modCount,
    sys_tags: '',
  };
}

function incident(values: Row): Row {
  const empty = Object.fromEntries(INCIDENT_COLUMNS.map((c) => [c, '']));
  return { ...empty, active: 'true', sys_class_name: 'incident', ...values };
}

function roleId(role: string): string {
  return `${ROLE_NAMES.indexOf(role as (typeof ROLE_NAMES)[number]).toString(16).padStart(2, '0')}${'0'.repeat(30)}`;
}

/** Fresh seed data: users, roles, groups and incidents, dates in UTC `yyyy-MM-dd HH:mm:ss`. */
export function seedTables(apiUser: ApiUser): Record<string, Row[]> {
  const unknown = apiUser.roles.filter((r) => !(ROLE_NAMES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new Error(`The emulator does not know the roles ${unknown.join(', ')}; it knows ${ROLE_NAMES.join(', ')}`);
  const users: Row[] = [
    { sys_id: ADMIN_USER_ID, user_name: 'admin', name: 'System Administrator', first_name: 'System', last_name: 'Administrator', email: 'admin@example.com', active: 'true', sys_class_name: 'sys_user', ...system('2024-01-02 08:00:00') },
    { sys_id: CALLER_USER_ID, user_name: 'abel.tuter', name: 'Abel Tuter', first_name: 'Abel', last_name: 'Tuter', email: 'abel.tuter@example.com', active: 'true', sys_class_name: 'sys_user', ...system('2024-01-02 08:05:00') },
  ];
  if (!users.some((u) => u.user_name === apiUser.userName)) {
    users.push({ sys_id: API_USER_ID, user_name: apiUser.userName, name: apiUser.userName, first_name: '', last_name: '', email: '', active: 'true', sys_class_name: 'sys_user', ...system('2024-01-02 08:10:00') });
  }
  const apiUserId = users.find((u) => u.user_name === apiUser.userName)?.sys_id ?? API_USER_ID;
  return {
    sys_user: users,
    sys_user_role: ROLE_NAMES.map((name) => ({ sys_id: roleId(name), name, ...system('2024-01-01 00:00:00') })),
    sys_user_has_role: apiUser.roles.map((role, i) => ({ sys_id: `${(i + 1).toString(16).padStart(2, '0')}${'f'.repeat(30)}`, user: apiUserId, role: roleId(role), state: 'active', inherited: 'false', ...system('2024-01-02 08:10:00') })),
    sys_user_group: [
      { sys_id: SERVICE_DESK_GROUP_ID, name: 'Service Desk', active: 'true', ...system('2024-01-02 08:00:00') },
      // Inactive: the emulator's assignment business rule refuses it, as instances commonly do.
      { sys_id: LEGACY_GROUP_ID, name: 'Legacy Support', active: 'false', ...system('2024-01-02 08:00:00') },
    ],
    sys_journal_field: [],
    incident: [
      incident({
        sys_id: '9d385017c611228701d22104cc95c371',
        number: 'INC0010001',
        short_description: 'Email server is slow',
        description: 'Outlook takes minutes to sync for the finance team.',
        state: '1',
        impact: '2',
        urgency: '2',
        priority: '3',
        caller_id: CALLER_USER_ID,
        opened_by: CALLER_USER_ID,
        category: 'software',
        subcategory: 'email',
        opened_at: '2025-08-01 09:15:00',
        ...system('2025-08-01 09:15:00'),
      }),
      incident({
        sys_id: 'e8caedcbc0a80164017df472f39eaed1',
        number: 'INC0010002',
        short_description: 'Network outage in building 2',
        description: 'No wired or wireless connectivity on floors 1-3.',
        state: '2',
        impact: '1',
        urgency: '1',
        priority: '1',
        caller_id: CALLER_USER_ID,
        opened_by: ADMIN_USER_ID,
        assigned_to: ADMIN_USER_ID,
        assignment_group: SERVICE_DESK_GROUP_ID,
        category: 'network',
        opened_at: '2025-08-02 14:40:00',
        ...system('2025-08-02 14:40:00', '2'),
        sys_updated_on: '2025-08-02 15:05:12',
      }),
    ],
  };
}
