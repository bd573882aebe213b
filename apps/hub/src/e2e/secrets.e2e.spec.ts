import { Client } from 'pg';
import { startTestHub, type TestHub } from './hubFixture';
import { startPlatforms, type PlatformUnderTest } from './platforms';

const SECRETS = ['Sup3r-Secret-Password!', 'whsec-very-secret-value', 'jira-key-secret-value'];

describe('secrets at rest and in logs', () => {
  let t: TestHub;
  let platforms: PlatformUnderTest[];

  beforeAll(async () => {
    [t, platforms] = await Promise.all([startTestHub({ logLevel: 'debug' }), startPlatforms()]);
  });
  afterAll(async () => {
    await Promise.all(platforms?.map((p) => p.close()) ?? []);
    await t?.stop();
  });

  it('never stores, returns or logs a plaintext credential or webhook secret', async () => {
    const snow = platforms.find((p) => p.type === 'servicenow')!;
    const responses: string[] = [];
    const record = (r: { body: unknown }) => responses.push(JSON.stringify(r.body));
    record(await t.api('POST', '/api/v1/integrations', { name: 's', type: 'servicenow', base_url: snow.url, credentials: { username: 'admin', password: SECRETS[0] }, webhook_secret: SECRETS[1] }));
    record(await t.api('POST', '/api/v1/integrations', { name: 'j', type: 'jira', base_url: 'http://127.0.0.1:1', credentials: { email: 'a@example.com', api_key: SECRETS[2] } }));
    record(await t.api('PATCH', '/api/v1/integrations/s', { credentials: { password: SECRETS[0] } }));
    record(await t.api('POST', '/api/v1/integrations/s/test'));
    record(await t.api('POST', '/api/v1/integrations/j/test'));
    record(await t.api('GET', '/api/v1/integrations'));
    record(await t.api('POST', '/api/v1/integrations', { name: 'bad', type: 'servicenow', base_url: 'ftp://x', credentials: { username: 'admin', password: SECRETS[0] } }));

    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    const dump: string[] = [];
    for (const table of ['organizations', 'api_tokens', 'integration_configurations', 'field_ownership', 'integration_sync_log']) {
      const { rows } = await client.query(`SELECT * FROM ${table}`);
      dump.push(JSON.stringify(rows, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v)));
    }
    const audit = await client.query('SELECT method, path, http_status AS status FROM integration_sync_log ORDER BY id');
    await client.end();

    for (const secret of SECRETS) {
      expect(dump.join('\n')).not.toContain(secret);
      expect(responses.join('\n')).not.toContain(secret);
      expect(t.logs.text).not.toContain(secret);
    }
    expect(dump.join('\n')).not.toContain(Buffer.from(`admin:${SECRETS[0]}`).toString('base64'));
    expect(t.logs.text).not.toContain(Buffer.from(`admin:${SECRETS[0]}`).toString('base64'));
    // The admin token is stored only as a hash.
    expect(dump.join('\n')).not.toContain(t.config.adminToken!);
    // Every call to a platform is in the audit log, without bodies.
    expect(audit.rows).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'GET', path: '/api/now/table/incident', status: 401 })]));
  });
});
