import { credentialSchema, settingsSchema } from './config';
import plugin from './index';

function messages(input: unknown, schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } } = credentialSchema) {
  const result = schema.safeParse(input);
  return result.success ? [] : (result.error?.issues ?? []).map((i) => `${i.path.join('.')}|${i.message}`);
}

describe('credentialSchema', () => {
  it.each([
    ['all four (OAuth password grant)', { username: 'u', password: 'p', client_id: 'c', client_secret: 's' }],
    ['client only (client_credentials)', { client_id: 'c', client_secret: 's' }],
    ['user only (Basic)', { username: 'u', password: 'p' }],
  ])('accepts %s', (_name, input) => {
    expect(credentialSchema.safeParse(input).success).toBe(true);
  });

  it('names the missing half of a pair', () => {
    expect(messages({ username: 'u' })).toEqual(['password|password is required when username is given']);
    expect(messages({ client_secret: 's', username: 'u', password: 'p' })).toEqual(['client_id|client_id is required when client_secret is given']);
  });

  it('names every field when nothing usable is given', () => {
    const [message] = messages({});
    expect(message).toContain('username and password');
    expect(message).toContain('client_id and client_secret');
  });

  it('rejects unknown keys', () => {
    expect(messages({ username: 'u', password: 'p', token: 'x' })).toEqual(['|unknown credential field(s): token']);
  });

  it('rejects empty and non-string values with the field name', () => {
    expect(messages({ username: '', password: 'p' })).toContain('username|username must not be empty');
    expect(messages({ username: 'u', password: 42 })).toContain('password|password must be a string');
  });
});

describe('settingsSchema', () => {
  it('defaults incident_table and accepts the documented settings', () => {
    expect(settingsSchema.parse({})).toEqual({ incident_table: 'incident' });
    expect(settingsSchema.parse({ incident_table: 'u_incident', encoded_query: 'active=true', api_version: 'v2' })).toEqual({
      incident_table: 'u_incident',
      encoded_query: 'active=true',
      api_version: 'v2',
    });
  });

  it('accepts incident_query and close_code, and refuses an ORDERBY in incident_query', () => {
    expect(settingsSchema.parse({ incident_query: 'active=true', close_code: 'Resolved by caller' })).toMatchObject({ incident_query: 'active=true', close_code: 'Resolved by caller' });
    expect(messages({ incident_query: 'active=true^ORDERBYnumber' }, settingsSchema)[0]).toContain('must not contain ORDERBY');
  });

  it('rejects unknown keys and malformed values', () => {
    expect(messages({ table: 'incident' }, settingsSchema)).toEqual(['|unknown setting field(s): table']);
    expect(messages({ api_version: '2' }, settingsSchema)).toEqual(["api_version|api_version must look like 'v1' or 'v2'"]);
    expect(messages({ incident_table: 'Incident Table' }, settingsSchema)[0]).toContain('incident_table must be a table name');
  });
});

describe('plugin', () => {
  it('is a branded adapter with the servicenow manifest and incident mappings', () => {
    expect(plugin.$$type).toBe('@itsm-hub/Adapter');
    expect(plugin.manifest).toMatchObject({ type: 'servicenow', version: '0.1.0', coreRange: '^2.0.0' });
    const fields = plugin.manifest.defaultMappings.incident?.map((m) => m.field);
    expect(new Set(fields)).toEqual(new Set(['title', 'description', 'status', 'priority', 'assignee', 'caller', 'category', 'subcategory', 'assignment_group', 'resolution_note']));
    expect(plugin.manifest.capabilities.incident).toEqual({
      operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true },
      versions: 'counter',
    });
  });
});
