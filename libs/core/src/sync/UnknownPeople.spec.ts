import 'reflect-metadata';
import { TOKENS } from '../di/tokens';
import { IncidentService } from '../records/IncidentService';
import type { MemoryLogger } from '../testing/createTestAdapterContext';
import { EngineSpec } from '../testing/engineSpec';
import { DeadLetterQueue } from './DeadLetterQueue';
import { LinkService } from './LinkService';

/**
 * An incident whose assignee has no account on a platform is still created there, without the
 * assignee, with a warning on the link; the value is remembered so later syncs do not warn again,
 * and it is written once the person exists. `unknown_person: dead_letter` refuses the write instead.
 */
describe('sync engine: people a platform does not know', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 1 } });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());

  const linkOf = async (integrationId: string, incidentId: string) =>
    (await spec.di.resolve(LinkService).forIntegration(integrationId, { limit: 10, offset: 0 })).items.find((l) => l.record_id === incidentId);

  it('creates the record without the unknown person, warns on the link, does not warn again, and fills the field once the person exists', async () => {
    const a = await spec.integration('a');
    spec.platform.people = new Set(['known@example.com']);
    const incidents = spec.di.resolve(IncidentService);
    const incident = await incidents.create(spec.org, { title: 'Printer jam', status: 'new', assignee: 'new.hire@example.com' });
    await spec.drainOut();

    const created = [...spec.platform.records.values()].find((r) => r.correlationId === incident.id);
    expect(created?.fields).toMatchObject({ summary: 'Printer jam' });
    expect(created?.fields.owner).toBeUndefined();
    const link = await linkOf(a, incident.id);
    expect(link).toMatchObject({ sync_status: 'synced', omitted: { owner: 'new.hire@example.com' } });
    expect(link?.last_error).toBe('warning: owner left out: The memory platform has no user new.hire@example.com');
    const logger = spec.di.resolve<MemoryLogger>(TOKENS.Logger);
    const warnings = () => logger.lines.filter((l) => l.message.startsWith('field names no one on the platform')).length;
    expect(warnings()).toBe(1);

    // A later change: the assignee is tried again, still unknown, and not warned about again.
    await incidents.update(spec.org, incident.id, { title: 'Printer jam, floor 2' });
    await spec.drainOut();
    expect(created && spec.platform.records.get(created.id)?.fields.summary).toBe('Printer jam, floor 2');
    expect(warnings()).toBe(1);
    expect((await linkOf(a, incident.id))?.omitted).toEqual({ owner: 'new.hire@example.com' });

    // The person now has an account: the next sync writes the field and the warning goes.
    spec.platform.people.add('new.hire@example.com');
    await incidents.update(spec.org, incident.id, { status: 'in_progress' });
    await spec.drainOut();
    expect(created && spec.platform.records.get(created.id)?.fields.owner).toBe('new.hire@example.com');
    expect(await linkOf(a, incident.id)).toMatchObject({ sync_status: 'synced', omitted: {}, last_error: null });
  });

  it('dead-letters the write instead with unknown_person: dead_letter', async () => {
    const a = await spec.integration('a', { settings: { unknown_person: 'dead_letter' } });
    spec.platform.people = new Set();
    await spec.di.resolve(IncidentService).create(spec.org, { title: 'Strict', status: 'new', assignee: 'nobody@example.com' });
    await spec.drainOut();
    const { items } = await spec.di.resolve(DeadLetterQueue).list(a, { limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ error_message: 'The memory platform has no user nobody@example.com', error_kind: 'user' })]);
    expect(spec.platform.records.size).toBe(0);
  });
});
