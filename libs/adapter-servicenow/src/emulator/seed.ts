/** A Table API row as stored: every value is a string; references hold the target's sys_id. */
export type Row = Record<string, string>;

export const ADMIN_USER_ID = '6816f79cc0a8016401c5a33be04be441';
export const CALLER_USER_ID = '62826bf03710200044e0bfc8bcbe5df1';

/** Reference columns per table and the table they point to. */
export const REFERENCES: Record<string, Record<string, string>> = {
  incident: { caller_id: 'sys_user', assigned_to: 'sys_user', opened_by: 'sys_user' },
  sys_user: {},
};

function system(createdOn: string, modCount = '0'): Row {
  return {
    sys_created_on: createdOn,
    sys_created_by: 'admin',
    sys_updated_on: createdOn,
    sys_updated_by: 'admin',
    sys_mod_count: modCount,
    sys_tags: '',
  };
}

/** Fresh seed data: a couple of users and incidents, dates in UTC `yyyy-MM-dd HH:mm:ss`. */
export function seedTables(): Record<string, Row[]> {
  return {
    sys_user: [
      { sys_id: ADMIN_USER_ID, user_name: 'admin', name: 'System Administrator', first_name: 'System', last_name: 'Administrator', email: 'admin@example.com', active: 'true', sys_class_name: 'sys_user', ...system('2024-01-02 08:00:00') },
      { sys_id: CALLER_USER_ID, user_name: 'abel.tuter', name: 'Abel Tuter', first_name: 'Abel', last_name: 'Tuter', email: 'abel.tuter@example.com', active: 'true', sys_class_name: 'sys_user', ...system('2024-01-02 08:05:00') },
    ],
    incident: [
      {
        sys_id: '9d385017c611228701d22104cc95c371',
        number: 'INC0010001',
        short_description: 'Email server is slow',
        description: 'Outlook takes minutes to sync for the finance team.',
        state: '1',
        impact: '2',
        urgency: '2',
        priority: '3',
        active: 'true',
        caller_id: CALLER_USER_ID,
        opened_by: CALLER_USER_ID,
        assigned_to: '',
        opened_at: '2025-08-01 09:15:00',
        sys_class_name: 'incident',
        ...system('2025-08-01 09:15:00'),
      },
      {
        sys_id: 'e8caedcbc0a80164017df472f39eaed1',
        number: 'INC0010002',
        short_description: 'Network outage in building 2',
        description: 'No wired or wireless connectivity on floors 1-3.',
        state: '2',
        impact: '1',
        urgency: '1',
        priority: '1',
        active: 'true',
        caller_id: CALLER_USER_ID,
        opened_by: ADMIN_USER_ID,
        assigned_to: ADMIN_USER_ID,
        opened_at: '2025-08-02 14:40:00',
        sys_class_name: 'incident',
        ...system('2025-08-02 14:40:00', '2'),
        sys_updated_on: '2025-08-02 15:05:12',
      },
    ],
  };
}
