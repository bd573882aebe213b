import { jiraCredentialSchema, jiraSettingsSchema } from './config';

const messages = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('jiraCredentialSchema', () => {
  it('accepts an email and an API token', () => {
    expect(jiraCredentialSchema.parse({ email: 'admin@example.com', api_key: 'token' })).toEqual({ email: 'admin@example.com', api_key: 'token' });
  });

  it('names a missing field', () => {
    expect(messages(jiraCredentialSchema.safeParse({ email: 'admin@example.com' }))).toEqual(['api_key: api_key is required']);
    expect(messages(jiraCredentialSchema.safeParse({ api_key: 'token' }))).toEqual(['email: email is required']);
  });

  it('rejects an invalid email and an empty token', () => {
    expect(messages(jiraCredentialSchema.safeParse({ email: 'admin', api_key: '' }))).toEqual([
      'email: email must be the email address of the Atlassian account',
      'api_key: api_key must not be empty: create an API token at id.atlassian.com',
    ]);
  });

  it('rejects unknown keys', () => {
    const result = jiraCredentialSchema.safeParse({ email: 'admin@example.com', api_key: 'token', password: 'x' });
    expect(result.success).toBe(false);
    expect(messages(result)[0]).toMatch(/Unrecognized key.*password/);
  });
});

describe('jiraSettingsSchema', () => {
  it('applies the default issue type', () => {
    expect(jiraSettingsSchema.parse({})).toEqual({ issue_type: 'Incident' });
  });

  it('accepts maps as objects or as JSON text from the CLI', () => {
    const parsed = jiraSettingsSchema.parse({
      project_key: 'OPS',
      status_map: '{"new":"Open","resolved":"Resolved"}',
      priority_map: { P1: 'Blocker' },
    });
    expect(parsed).toEqual({ project_key: 'OPS', issue_type: 'Incident', status_map: { new: 'Open', resolved: 'Resolved' }, priority_map: { P1: 'Blocker' } });
  });

  it('rejects bad maps, keys and project keys with field messages', () => {
    expect(messages(jiraSettingsSchema.safeParse({ priority_map: '{"P9":"Urgent"}' }))).toEqual([
      'priority_map: priority_map must be an object (or JSON text) with keys P1..P5 -> Jira priority name',
    ]);
    expect(messages(jiraSettingsSchema.safeParse({ status_map: 'not json' }))).toEqual([
      'status_map: status_map must be an object (or JSON text) of hub status -> Jira status name',
    ]);
    expect(messages(jiraSettingsSchema.safeParse({ project_key: 'ops-1' }))[0]).toMatch(/^project_key: project_key must be a Jira project key/);
    expect(messages(jiraSettingsSchema.safeParse({ projectKey: 'OPS' }))[0]).toMatch(/Unrecognized key.*projectKey/);
  });
});
