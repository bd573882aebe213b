import 'reflect-metadata';
import { container as root } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { TOKENS } from '../di/tokens';
import { AuthenticationError } from '../errors/HubError';
import { openDatabase } from '../persistence/createDataSource';
import { createTestDatabase, type TestDatabase } from '../testing/createTestDatabase';
import { PRINCIPAL_FRESH_MS } from './PrincipalCache';
import { TokenService } from './TokenService';

/** Authentication costs no round trip while a token is fresh, and revocation still takes effect. */
describe('TokenService authentication cache', () => {
  let database: TestDatabase;
  let db: DataSource;
  let nowMs = Date.parse('2026-12-01T00:00:00Z');
  const tokens = () => {
    const di = root.createChildContainer();
    di.registerInstance(TOKENS.DataSource, db);
    di.registerInstance(TOKENS.Clock, { now: () => new Date(nowMs) });
    return di;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('stops accepting a token revoked here at once, and one revoked elsewhere once its second is up', async () => {
    const service = tokens().resolve(TokenService);
    const admin = 'ihub_cache-spec-admin-token-0123456789';
    await service.bootstrapAdmin(admin);
    const principal = await service.authenticate(admin);
    expect(principal).toMatchObject({ role: 'admin', instanceAdmin: true });

    // Revoked through this process: refused at once, though it was just checked.
    const member = await service.issue(principal, 'default', 'ops', 'member');
    await service.authenticate(member.token);
    await service.revoke(principal, member.record.id);
    await expect(service.authenticate(member.token)).rejects.toBeInstanceOf(AuthenticationError);

    // Revoked by another hub process (straight in the database): still trusted for its second here.
    await service.authenticate(admin);
    await db.query(`UPDATE api_tokens SET revoked_at = now() WHERE revoked_at IS NULL`);
    await expect(service.authenticate(admin)).resolves.toEqual(principal);
    nowMs += PRINCIPAL_FRESH_MS;
    await expect(service.authenticate(admin)).rejects.toBeInstanceOf(AuthenticationError);
  });
});
