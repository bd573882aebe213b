import { RecordKinds } from '../records/kinds/RecordKinds';
import { SyncSignals } from '../sync/Wakeup';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AdapterRegistry } from '../adapters/AdapterRegistry';
import { defineAdapter } from '../adapters/defineAdapter';
import { ConflictError, NotFoundError, UnknownAdapterTypeError, ValidationError } from '../errors/HubError';
import { openDatabase } from '../persistence/createDataSource';
import { Organization } from '../persistence/entities/Organization';
import { SecretBox } from '../security/SecretBox';
import { createTestDatabase, type TestDatabase } from '../testing/createTestDatabase';
import { IntegrationService } from './IntegrationService';
import { CreateIntegrationSchema, UpdateIntegrationSchema } from './integrationSchemas';

const fake = defineAdapter({
  manifest: {
    type: 'fake',
    aliases: ['fakeitsm'],
    displayName: 'Fake',
    version: '1.0.0',
    coreRange: '^2.0.0',
    credentialSchema: z.object({ username: z.string(), password: z.string().min(1) }).strict(),
    settingsSchema: z.object({ table: z.string().optional() }).strict(),
    capabilities: { incident: { operations: { read: true } } },
    defaultMappings: {},
  },
  create: () => ({ testConnection: async () => [], classifyError: () => ({ action: 'fail', kind: 'user', message: '' }) }),
});

describe('IntegrationService', () => {
  let database: TestDatabase;
  let db: DataSource;
  let service: IntegrationService;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ url: database.url, poolSize: database.poolSize });
    const registry = new AdapterRegistry();
    registry.register(fake, 'fake-package');
    service = new IntegrationService(db, new SecretBox(Buffer.alloc(32, 7)), registry, { publicUrl: 'https://hub.example.com', httpTimeoutMs: 1000 }, new RecordKinds(), new SyncSignals());
    orgA = randomUUID();
    orgB = randomUUID();
    await db.getRepository(Organization).insert([{ id: orgA, name: 'a' }, { id: orgB, name: 'b' }]);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const input = (overrides: Record<string, unknown> = {}) =>
    CreateIntegrationSchema.parse({
      name: 'snow-prod',
      type: 'fake',
      base_url: 'https://example.service-now.com',
      credentials: { username: 'svc', password: 'pa55-secret-value' },
      webhook_secret: 'hook-secret-value',
      ...overrides,
    });

  it('stores credentials and the webhook secret encrypted, and shows only their keys', async () => {
    const row = await service.create(orgA, input());
    const view = service.toView(row);
    expect(view).toMatchObject({
      name: 'snow-prod',
      type: 'fake',
      direction: 'bidirectional',
      credentials: { password: '***', username: '***' },
      has_webhook_secret: true,
      webhook_url: `https://hub.example.com/api/v1/webhooks/${row.id}`,
    });
    const dump = JSON.stringify(await db.query('SELECT * FROM integration_configurations'));
    expect(dump).not.toContain('pa55-secret-value');
    expect(dump).not.toContain('hook-secret-value');
    expect(service.decrypt(row)).toEqual({ credentials: { username: 'svc', password: 'pa55-secret-value' }, webhookSecret: 'hook-secret-value' });
  });

  it('keeps directions per kind, refusing kinds the hub or the adapter does not have, and merges them on update', async () => {
    await expect(service.create(orgA, input({ name: 'kinds-1', kind_directions: { nonsense: 'inbound' } }))).rejects.toMatchObject({ errors: [{ field: 'kind_directions.nonsense', message: 'unknown record kind' }] });
    const row = await service.create(orgA, input({ name: 'kinds-2', kind_directions: { incident: 'inbound' } }));
    expect(service.toView(row).kind_directions).toEqual({ incident: 'inbound' });
    const updated = await service.update(orgA, row.id, UpdateIntegrationSchema.parse({ kind_directions: { incident: null } }));
    expect(updated.kindDirections).toEqual({});
    await service.delete(orgA, row.id);
  });

  it('finds by id or name, only inside the owning organization', async () => {
    const row = await service.get(orgA, 'snow-prod');
    expect((await service.get(orgA, row.id)).name).toBe('snow-prod');
    await expect(service.get(orgB, row.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.get(orgB, 'snow-prod')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a duplicate name with a conflict and stores nothing', async () => {
    await expect(service.create(orgA, input())).rejects.toBeInstanceOf(ConflictError);
    expect(await service.list(orgA)).toHaveLength(1);
    await expect(service.create(orgB, input())).resolves.toBeDefined();
  });

  it('names the bad credential field and unknown adapter types', async () => {
    const err = await service.create(orgA, input({ name: 'x', credentials: { username: 'svc', extra: 1 } })).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.errors).toEqual(
      expect.arrayContaining([
        { field: 'credentials.password', message: expect.any(String) },
        { field: 'credentials.extra', message: 'unknown field' },
      ]),
    );
    await expect(service.create(orgA, input({ name: 'y', type: 'nope' }))).rejects.toBeInstanceOf(UnknownAdapterTypeError);
    expect(await service.list(orgA)).toHaveLength(1);
  });

  it('accepts an alias as the type and merges credentials key by key on update', async () => {
    const row = await service.create(orgA, input({ name: 'aliased', type: 'fakeitsm' }));
    expect(row.type).toBe('fake');
    const updated = await service.update(orgA, 'aliased', { credentials: { password: 'rotated-secret' }, enabled: false });
    expect(service.decrypt(updated).credentials).toEqual({ username: 'svc', password: 'rotated-secret' });
    expect(updated.enabled).toBe(false);
    await expect(service.update(orgA, 'aliased', { type: 'other' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses to decrypt with another key', async () => {
    const row = await service.get(orgA, 'snow-prod');
    const other = new IntegrationService(db, new SecretBox(Buffer.alloc(32, 9)), new AdapterRegistry(), { publicUrl: '', httpTimeoutMs: 1 }, new RecordKinds(), new SyncSignals());
    expect(() => other.decrypt(row)).toThrow(/HUB_ENCRYPTION_KEY/);
  });
});
