import { parseJiraWebhook } from './webhooks';

const BASE_URL = 'https://example.atlassian.net';
const parse = (body: unknown) => parseJiraWebhook({ headers: { 'x-atlassian-webhook-identifier': 'delivery-1' }, rawBody: Buffer.from(JSON.stringify(body)), query: {} }, BASE_URL);

describe('parseJiraWebhook', () => {
  // Payload shapes: developer.atlassian.com/cloud/jira/platform/webhooks (project, version and user events carry no issue).
  it.each([
    ['project_created', { timestamp: 1772366430000, webhookEvent: 'project_created', project: { id: 10000, key: 'OPS', name: 'Operations' } }],
    ['jira:version_released', { timestamp: 1772366430000, webhookEvent: 'jira:version_released', version: { id: '10010', name: '1.0', projectId: 10000 } }],
    ['user_created', { timestamp: 1772366430000, webhookEvent: 'user_created', user: { accountId: '712020:1', displayName: 'New User' } }],
    ['jira:issue_deleted', { timestamp: 1772366430000, webhookEvent: 'jira:issue_deleted', issue: { id: '10001', key: 'OPS-1', fields: {} } }],
    ['comment_updated with a comment the hub could not read', { webhookEvent: 'comment_updated', comment: { id: 7 }, issue: { id: '10001' } }],
  ])('acknowledges %s with no events', (_name, body) => {
    expect(parse(body)).toEqual({ ok: true, value: [] });
  });

  it('still refuses an issue event without its issue, and a body without webhookEvent', () => {
    expect(parse({ webhookEvent: 'jira:issue_created' })).toMatchObject({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED', message: expect.stringContaining('issue: required for jira:issue_created') } });
    expect(parse({ project: { key: 'OPS' } })).toMatchObject({ ok: false, error: { code: 'HUB_ERR_VALIDATION_FAILED', message: expect.stringContaining('webhookEvent') } });
  });

  it('turns an issue event into a hub event', () => {
    const parsed = parse({ timestamp: 1772366430000, webhookEvent: 'jira:issue_created', issue: { id: '10001', key: 'OPS-1', fields: { labels: ['hub-abc'] } } });
    expect(parsed).toEqual({
      ok: true,
      value: [{ type: 'created', deliveryId: 'delivery-1', occurredAt: '2026-03-01T12:00:30.000Z', record: { kind: 'incident', id: '10001', number: 'OPS-1', url: `${BASE_URL}/browse/OPS-1`, fields: {}, correlationId: 'abc' } }],
    });
  });
});
