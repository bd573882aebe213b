import { ADAPTER_BRAND } from '@itsm-hub/core';
import plugin from './index';
import { pagerDutyCredentialsSchema, pagerDutySettingsSchema } from './config';

const messages = (result: { success: boolean; error?: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);

describe('PagerDuty credentials schema', () => {
  it('accepts a token', () => {
    expect(pagerDutyCredentialsSchema.parse({ token: 'u+abc' })).toEqual({ token: 'u+abc' });
  });

  it('rejects a missing token with a clear message', () => {
    expect(messages(pagerDutyCredentialsSchema.safeParse({}))).toEqual(['token: token is required: a PagerDuty REST API key']);
  });

  it('rejects an empty token', () => {
    expect(messages(pagerDutyCredentialsSchema.safeParse({ token: '  ' }))).toEqual(['token: token must not be empty: paste a PagerDuty REST API key']);
  });

  it('rejects unknown keys', () => {
    const result = pagerDutyCredentialsSchema.safeParse({ token: 't', password: 'p' });
    expect(result.success).toBe(false);
    expect(messages(result).join()).toContain('password');
  });
});

describe('PagerDuty settings schema', () => {
  it('accepts no settings at all', () => {
    expect(pagerDutySettingsSchema.parse({})).toEqual({});
  });

  it('takes service_ids as an array or as the CLI’s comma-separated string', () => {
    expect(pagerDutySettingsSchema.parse({ service_ids: ['PA', 'PB'] }).service_ids).toEqual(['PA', 'PB']);
    expect(pagerDutySettingsSchema.parse({ service_ids: 'PA, PB,,' }).service_ids).toEqual(['PA', 'PB']);
    expect(pagerDutySettingsSchema.safeParse({ service_ids: 42 }).success).toBe(false);
  });

  it('rejects a From address that is not an email', () => {
    expect(messages(pagerDutySettingsSchema.safeParse({ from_email: 'oncall' }))).toEqual(['from_email: from_email must be the email address of a PagerDuty user']);
  });

  it('accepts urgency maps to high/low only', () => {
    expect(pagerDutySettingsSchema.parse({ urgency_map: { critical: 'high', low: 'low' } }).urgency_map).toEqual({ critical: 'high', low: 'low' });
    expect(messages(pagerDutySettingsSchema.safeParse({ urgency_map: { critical: 'urgent' } }))).toEqual(["urgency_map.critical: urgency_map values must be 'high' or 'low'"]);
  });

  it('rejects unknown keys', () => {
    const result = pagerDutySettingsSchema.safeParse({ service_id: 'PSVC001', serviceId: 'PSVC001' });
    expect(result.success).toBe(false);
    expect(messages(result).join()).toContain('serviceId');
  });
});

describe('PagerDuty plugin', () => {
  it('is a branded adapter plugin with the incident mappings', () => {
    expect(plugin.$$type).toBe(ADAPTER_BRAND);
    expect(plugin.manifest).toMatchObject({ type: 'pagerduty', displayName: 'PagerDuty', version: '0.1.0', coreRange: '^2.0.0' });
    expect(plugin.manifest.defaultMappings.incident?.map((m) => m.field)).toEqual(['title', 'description', 'status', 'priority', 'priority', 'assignee']);
    expect(plugin.manifest.capabilities).toEqual({
      incident: { operations: { read: true, find: true, list: true, scan: true, create: true, update: true, comment: true, webhook: true }, versions: 'opaque' },
    });
  });
});
