import { tableListSchema } from '../client/types';
import { ADMIN_USER_ID, CALLER_USER_ID, SERVICE_DESK_GROUP_ID, startEmulator, type ServiceNowEmulatorHandle } from './index';
import { CHOICE_LABELS, COLUMNS } from './seed';

let sn: ServiceNowEmulatorHandle;

beforeAll(async () => {
  sn = await startEmulator({ port: 0, now: () => Date.parse('2025-09-01T10:00:00Z') });
});
afterAll(() => sn.close());
beforeEach(() => sn.emulator.reset());

const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
// Test bodies are read loosely: the assertions check their shape.
async function call(path: string, params: Record<string, string>, init: RequestInit = {}): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${sn.url}${path}?${new URLSearchParams(params)}`, { ...init, headers: { Authorization: basic, 'Content-Type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
const numbers = async (query: string) => {
  const { status, body } = await call('/api/now/table/incident', { sysparm_query: query, sysparm_fields: 'number' });
  expect(status).toBe(200);
  return body.result.map((r: { number: string }) => r.number);
};
const FIRST = 'INC0010001';
const SECOND = 'INC0010002';
const secondId = () => sn.emulator.tables.incident[1].sys_id;

describe('ServiceNow emulator encoded queries', () => {
  // Seed: INC0010001 "Email server is slow", software/email, state 1, unassigned, updated 2025-08-01 09:15:00;
  // INC0010002 "Network outage in building 2", network, no subcategory, state 2, admin in Service Desk, updated 2025-08-02 15:05:12.
  it.each([
    ['category=network', [SECOND]],
    ['category=NETWORK', [SECOND]],
    ['category!=network', [FIRST]],
    ['short_descriptionSTARTSWITHemail', [FIRST]],
    ['short_descriptionENDSWITHBuilding 2', [SECOND]],
    ['short_descriptionLIKESLOW', [FIRST]],
    ['short_descriptionNOT LIKEslow', [SECOND]],
    ['short_descriptionNOTLIKEslow', [SECOND]],
    ['numberININC0010002,INC0099999', [SECOND]],
    ['numberNOT ININC0010002,INC0099999', [FIRST]],
    ['subcategoryISEMPTY', [SECOND]],
    ['subcategoryISNOTEMPTY', [FIRST]],
    ['sys_updated_on<2025-08-02 15:05:12', [FIRST]],
    ['sys_updated_on<=2025-08-02 15:05:12', [FIRST, SECOND]],
    ['sys_updated_on>2025-08-01 09:15:00', [SECOND]],
    ['sys_updated_on>=2025-08-01 09:15:01', [SECOND]],
    ['opened_atBETWEEN2025-08-01 00:00:00@2025-08-01 23:59:59', [FIRST]],
    ['sys_updated_onBETWEEN2025-08-01 09:15:00@2025-08-02 15:05:12', [FIRST, SECOND]],
  ])('%s', async (query, expected) => {
    expect(await numbers(query)).toEqual(expected);
  });

  it('binds ^OR to the condition before it, tighter than ^', async () => {
    // Read as (software AND state 1) OR priority 1, INC0010002 would match too.
    expect(await numbers('category=software^state=1^ORpriority=1')).toEqual([FIRST]);
    expect(await numbers('category=hardware^ORcategory=network^ORstate=1')).toEqual([FIRST, SECOND]);
  });

  it('ORs whole ^NQ groups, each ANDing its own conditions', async () => {
    expect(await numbers('category=network^state=1^NQnumber=INC0010001')).toEqual([FIRST]);
    expect(await numbers('category=software^state=2^NQcategory=network^state=2')).toEqual([SECOND]);
    expect(await numbers('category=network^NQcategory=software^ORDERBYnumber')).toEqual([FIRST, SECOND]);
  });

  it('walks references in conditions, and an empty reference walks to empty', async () => {
    expect(await numbers('assigned_to.email=admin@example.com')).toEqual([SECOND]);
    expect(await numbers('assignment_group.name=Service Desk^caller_id.emailSTARTSWITHabel')).toEqual([SECOND]);
    expect(await numbers('assigned_to.nameISEMPTY')).toEqual([FIRST]);
    expect(await numbers('caller_id.user_name=abel.tuter')).toEqual([FIRST, SECOND]);
  });

  it('answers a scan page: records after a (sys_created_on, sys_id) position, in that order, with X-Total-Count of the rest', async () => {
    // Seed: INC0010001 created 2025-08-01 09:15:00 (sys_id 9d38...), INC0010002 created 2025-08-02 14:40:00 (sys_id e8ca...).
    const page = (query: string) => fetch(`${sn.url}/api/now/table/incident?${new URLSearchParams({ sysparm_query: query, sysparm_fields: 'number', sysparm_limit: '1' })}`, { headers: { Authorization: basic } });
    const first = await page('ORDERBYsys_created_on^ORDERBYsys_id');
    expect([first.headers.get('x-total-count'), await first.json()]).toEqual(['2', { result: [{ number: FIRST }] }]);
    const after = 'sys_created_on>2025-08-01 09:15:00^NQsys_created_on=2025-08-01 09:15:00^sys_id>9d385017c611228701d22104cc95c371^ORDERBYsys_created_on^ORDERBYsys_id';
    const second = await page(after);
    expect([second.headers.get('x-total-count'), await second.json()]).toEqual(['1', { result: [{ number: SECOND }] }]);
    expect(await numbers('sys_id>9d385017c611228701d22104cc95c371')).toEqual([SECOND]);
    expect(await numbers('ORDERBYDESCsys_created_on')).toEqual([SECOND, FIRST]);
  });

  it('orders by ORDERBY and ORDERBYDESC keys in turn, dot-walks included', async () => {
    expect(await numbers('ORDERBYDESCnumber')).toEqual([SECOND, FIRST]);
    expect(await numbers('ORDERBYcategory')).toEqual([SECOND, FIRST]);
    expect(await numbers('ORDERBYcaller_id^ORDERBYnumber')).toEqual([FIRST, SECOND]);
    expect(await numbers('ORDERBYcaller_id^ORDERBYDESCnumber')).toEqual([SECOND, FIRST]);
    expect(await numbers('ORDERBYDESCassigned_to.email')).toEqual([SECOND, FIRST]);
  });

  it.each([
    ['stateXX1', 'stateXX1', 'no operator the emulator knows after state'],
    ['active=true^bogus=1', 'bogus=1', 'bogus is not a field of incident'],
    ['category.name=network', 'category.name=network', 'category.name is not a field of incident'],
    ['caller_id.bogus=x', 'caller_id.bogus=x', 'caller_id.bogus is not a field of incident'],
    ['ORDERBYbogus', 'ORDERBYbogus', 'bogus is not a field of incident'],
    ['subcategoryISEMPTYemail', 'subcategoryISEMPTYemail', 'ISEMPTY takes no value'],
    ['opened_atBETWEEN2025-08-01', 'opened_atBETWEEN2025-08-01', 'BETWEEN takes two values written low@high'],
    ['ORcategory=network', 'ORcategory=network', '^OR must follow a condition'],
    ['NQcategory=network', 'NQcategory=network', '^NQ must follow a condition'],
    ['category=network^', '', 'no operator the emulator knows after the start'],
  ])('answers 400 naming the term for %s', async (query, term, reason) => {
    const { status, body } = await call('/api/now/table/incident', { sysparm_query: query });
    expect([status, body]).toEqual([400, { error: { message: `Invalid encoded query term '${term}'`, detail: reason }, status: 'failure' }]);
  });

  it('knows the columns of tables that start empty', async () => {
    const journal = await call('/api/now/table/sys_journal_field', { sysparm_query: 'element_id=x^elementINcomments,work_notes^ORDERBYsys_created_on' });
    expect([journal.status, journal.body]).toEqual([200, { result: [] }]);
    // What queries may name matches what the tables hold, including journal rows the writes add.
    await call(`/api/now/table/incident/${secondId()}`, {}, { method: 'PATCH', body: JSON.stringify({ comments: 'Looking' }) });
    for (const [table, rows] of Object.entries(sn.emulator.tables)) {
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect([table, Object.keys(row).sort()]).toEqual([table, [...COLUMNS[table]].sort()]);
    }
  });
});

describe('ServiceNow emulator display values', () => {
  const fields = 'number,state,impact,urgency,priority,category,caller_id,assigned_to,assignment_group,assigned_to.email';
  const link = (table: string, id: string) => `${sn.url}/api/now/table/${table}/${id}`;

  it('true: display values, references beside their link', async () => {
    const { body } = await call(`/api/now/table/incident/${secondId()}`, { sysparm_fields: fields, sysparm_display_value: 'true' });
    expect(body.result).toEqual({
      number: SECOND, state: 'In Progress', impact: '1 - High', urgency: '1 - High', priority: '1 - Critical', category: 'network',
      caller_id: { display_value: 'Abel Tuter', link: link('sys_user', CALLER_USER_ID) },
      assigned_to: { display_value: 'System Administrator', link: link('sys_user', ADMIN_USER_ID) },
      assignment_group: { display_value: 'Service Desk', link: link('sys_user_group', SERVICE_DESK_GROUP_ID) },
      'assigned_to.email': 'admin@example.com',
    });
    const plain = await call(`/api/now/table/incident/${secondId()}`, { sysparm_fields: 'caller_id', sysparm_display_value: 'true', sysparm_exclude_reference_link: 'true' });
    expect(plain.body.result).toEqual({ caller_id: 'Abel Tuter' });
  });

  it('all: display value and value for every field, with links unless excluded, in the shape the adapter reads', async () => {
    const { body } = await call('/api/now/table/incident', { sysparm_fields: fields, sysparm_display_value: 'all', sysparm_query: 'ORDERBYnumber' });
    expect(() => tableListSchema.parse(body)).not.toThrow();
    expect(body.result[0]).toMatchObject({ state: { display_value: 'New', value: '1' }, assigned_to: { display_value: '', value: '' } });
    expect(body.result[1]).toEqual({
      number: { display_value: SECOND, value: SECOND },
      state: { display_value: 'In Progress', value: '2' },
      impact: { display_value: '1 - High', value: '1' },
      urgency: { display_value: '1 - High', value: '1' },
      priority: { display_value: '1 - Critical', value: '1' },
      category: { display_value: 'network', value: 'network' },
      caller_id: { display_value: 'Abel Tuter', value: CALLER_USER_ID, link: link('sys_user', CALLER_USER_ID) },
      assigned_to: { display_value: 'System Administrator', value: ADMIN_USER_ID, link: link('sys_user', ADMIN_USER_ID) },
      assignment_group: { display_value: 'Service Desk', value: SERVICE_DESK_GROUP_ID, link: link('sys_user_group', SERVICE_DESK_GROUP_ID) },
      'assigned_to.email': { display_value: 'admin@example.com', value: 'admin@example.com' },
    });
    const roles = await call('/api/now/table/sys_user_has_role', { sysparm_fields: 'user,role', sysparm_display_value: 'all', sysparm_exclude_reference_link: 'true' });
    expect(roles.body.result).toEqual([{ user: { display_value: 'System Administrator', value: ADMIN_USER_ID }, role: { display_value: 'admin', value: expect.any(String) } }]);
  });

  it('labels every base-system state and priority', async () => {
    const incident = sn.emulator.tables.incident[0];
    for (const column of ['state', 'priority'] as const) {
      for (const [value, label] of Object.entries(CHOICE_LABELS.incident[column])) {
        incident[column] = value;
        const { body } = await call(`/api/now/table/incident/${incident.sys_id}`, { sysparm_fields: column, sysparm_display_value: 'true' });
        expect([column, value, body.result[column]]).toEqual([column, value, label]);
      }
    }
  });

  it('answers 400 for any other sysparm_display_value, before a write changes anything', async () => {
    for (const path of ['/api/now/table/incident', `/api/now/table/incident/${secondId()}`]) {
      const { status, body } = await call(path, { sysparm_display_value: 'yes' });
      expect([status, body.error.message]).toEqual([400, 'Invalid sysparm_display_value yes']);
    }
    const write = await call(`/api/now/table/incident/${secondId()}`, { sysparm_display_value: 'TRUE' }, { method: 'PATCH', body: JSON.stringify({ short_description: 'changed' }) });
    expect(write.status).toBe(400);
    expect(sn.emulator.tables.incident[1].short_description).toBe('Network outage in building 2');
    expect((await call('/api/now/table/incident', { sysparm_display_value: 'false', sysparm_fields: 'state', sysparm_limit: '1' })).body.result).toEqual([{ state: '1' }]);
  });
});
