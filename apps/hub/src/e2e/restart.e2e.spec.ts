import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestHub } from './hubFixture';
import { killStrayHubs, MAIN, spawnHub, stopHub } from './hubProcess';

async function call(url: string, token: string, method: string, p: string, body?: unknown) {
  const response = await fetch(url + p, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

const integration = {
  name: 'kept', type: 'pagerduty', base_url: 'https://api.pagerduty.example', credentials: { token: 'pd-restart-secret' },
  settings: { service_id: 'PSVC001', from_email: 'oncall@example.com' },
};

describe('restart keeps data', () => {
  afterEach(killStrayHubs);
  it('on the embedded database under HUB_DATA_DIR, with the generated key and admin token', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'itsm-hub-embedded-'));
    try {
      const first = await spawnHub({ HUB_DATA_DIR: dataDir });
      const token = readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      expect(first.output()).toContain(`Admin token (shown once): ${token}`);
      expect(statSync(path.join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dataDir, 'encryption-key')).mode & 0o777).toBe(0o600);
      expect(first.output()).toContain('generated an encryption key');
      expect((await call(first.url, token, 'POST', '/api/v1/integrations', integration)).status).toBe(201);
      await expect(spawnHub({ HUB_DATA_DIR: dataDir })).rejects.toThrow(`Another hub (pid ${first.child.pid}) is using ${dataDir}`);
      expect(await stopHub(first.child)).toBe(0);

      const second = await spawnHub({ HUB_DATA_DIR: dataDir });
      expect(second.output()).not.toContain('Admin token (shown once)');
      const got = await call(second.url, token, 'GET', '/api/v1/integrations/kept');
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ name: 'kept', type: 'pagerduty', credentials: { token: '***' } });
      // Decryption still works after the restart: a PATCH merges into the stored credentials.
      expect((await call(second.url, token, 'PATCH', '/api/v1/integrations/kept', { credentials: { token: 'rotated' } })).status).toBe(200);
      expect(await stopHub(second.child)).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on PostgreSQL, and refuses to start there without HUB_ENCRYPTION_KEY', async () => {
    const t = await startTestHub();
    try {
      expect((await t.api('POST', '/api/v1/integrations', integration)).status).toBe(201);
      await t.restart();
      const got = await t.api('GET', '/api/v1/integrations/kept');
      expect(got.body).toMatchObject({ name: 'kept', credentials: { token: '***' } });
      expect((await t.api('PATCH', '/api/v1/integrations/kept', { credentials: { token: 'rotated' } })).status).toBe(200);

      const refused = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.db.url, HUB_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      refused.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      refused.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise((resolve) => refused.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain('HUB_ENCRYPTION_KEY is required when DATABASE_URL is set');
    } finally {
      await t.stop();
    }
  });
});
