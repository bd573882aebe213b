import { ADAPTER_BRAND } from '@itsm-hub/core';
import plugin from './index';
import { haloCredentialsSchema, haloSettingsSchema } from './config';

function messages(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('credential schema', () => {
  it('accepts the minimal and the full credential sets', () => {
    expect(haloCredentialsSchema.safeParse({ client_id: 'id', client_secret: 's' }).success).toBe(true);
    const full = { client_id: 'id', client_secret: 's', tenant: 'demo', auth_server: 'https://yourco.haloitsm.com/auth' };
    expect(haloCredentialsSchema.safeParse(full)).toEqual({ success: true, data: full });
  });

  it('rejects a missing or empty field with a message naming it', () => {
    expect(messages(haloCredentialsSchema.safeParse({ client_id: 'id' }))).toEqual([
      'client_secret: client_secret is required: the Client Secret of the Halo API application',
    ]);
    expect(messages(haloCredentialsSchema.safeParse({ client_id: '', client_secret: 's' }))).toEqual(['client_id: client_id must not be empty']);
  });

  it('rejects unknown keys and an auth_server that is not an http(s) URL', () => {
    expect(messages(haloCredentialsSchema.safeParse({ client_id: 'id', client_secret: 's', password: 'x' }))).toEqual([': Unrecognized key: "password"']);
    expect(messages(haloCredentialsSchema.safeParse({ client_id: 'id', client_secret: 's', auth_server: 'ftp://x/auth' }))[0]).toMatch(
      /^auth_server: auth_server must be an http\(s\) URL/,
    );
  });
});

describe('settings schema', () => {
  it('accepts value maps as objects or as JSON text from the CLI, and ids as numeric text', () => {
    const parsed = haloSettingsSchema.safeParse({ status_map: '{"new":1,"closed":9}', priority_map: { P2: 2 }, ticket_type_id: '3', client_id_default: 12 });
    expect(parsed).toEqual({ success: true, data: { status_map: { new: 1, closed: 9 }, priority_map: { P2: 2 }, ticket_type_id: 3, client_id_default: 12 } });
    expect(haloSettingsSchema.safeParse({}).success).toBe(true);
  });

  it('rejects maps with non-numeric ids, malformed JSON, bad ids and unknown keys', () => {
    expect(messages(haloSettingsSchema.safeParse({ status_map: { new: 'New' } }))).toEqual(['status_map.new: status_map values must be Halo ids (numbers)']);
    expect(messages(haloSettingsSchema.safeParse({ priority_map: '{oops' }))[0]).toMatch(/^priority_map: priority_map must be an object \(or JSON text\)/);
    expect(messages(haloSettingsSchema.safeParse({ ticket_type_id: 'abc' }))).toEqual(['ticket_type_id: ticket_type_id must be a Halo id (a number)']);
    expect(messages(haloSettingsSchema.safeParse({ client_id_default: -4 }))).toEqual(['client_id_default: client_id_default must be a positive Halo id']);
    expect(messages(haloSettingsSchema.safeParse({ team: 'x' }))).toEqual([': Unrecognized key: "team"']);
  });
});

describe('plugin', () => {
  it('is a branded adapter of type halo with the haloitsm alias and incident mappings', () => {
    expect(plugin.$$type).toBe(ADAPTER_BRAND);
    expect(plugin.manifest).toMatchObject({ type: 'halo', aliases: ['haloitsm'], displayName: 'HaloITSM', version: '0.1.0', coreRange: '^2.0.0' });
    expect(plugin.manifest.capabilities).toEqual({
      incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'opaque' },
    });
    const fields = plugin.manifest.defaultMappings.incident?.map((m) => `${m.field}->${m.externalField}`);
    expect(fields).toEqual(['title->summary', 'description->details', 'status->status_id', 'priority->priority_id', 'assignee->agent_email']);
    expect(plugin.manifest.defaultMappings.incident?.[2].valueMap).toEqual({ new: '1', in_progress: '2', acknowledged: '2', on_hold: '3', closed: '9', resolved: '9', canceled: '9' });
  });
});
