import 'reflect-metadata';
import { IncidentService } from '../records/IncidentService';
import { EngineSpec } from '../testing/engineSpec';
import { DeadLetterQueue } from './DeadLetterQueue';

/**
 * Reads, lookups and listings fail with the platform's classification: a rate-limited one waits as
 * long as the platform asks and is not a failed attempt, a permanent one is dead-lettered with its
 * status and kind.
 */
describe('sync engine: classified read failures', () => {
  const spec = new EngineSpec({ settings: { maxRetries: 1, backoffBaseMs: 1_000 } });
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());
  beforeEach(() => spec.reset());

  const job = async (integrationId: string) =>
    (await spec.db.query(`SELECT attempts, next_attempt_at, last_error FROM sync_outbox WHERE integration_id = $1`, [integrationId]))[0];

  it('waits out a rate-limited lookup before a repeated create as long as asked, without counting it, and creates nothing twice', async () => {
    const a = await spec.integration('a');
    // The first create is applied and its answer lost, so the retry looks the record up first.
    spec.platform.callFailures.push('lost');
    const incident = await spec.di.resolve(IncidentService).create(spec.org, { title: 'Rate limited lookup', status: 'new' });
    await spec.round();
    expect((await job(a)).attempts).toBe(1);
    // More rate-limited lookups than INCIDENTS_SYNC_MAX_RETRIES allows attempts.
    for (let i = 0; i < 3; i += 1) {
      spec.platform.readFailures.push({ status: 429, retryAfterSeconds: 30 });
      spec.offsetMs += 60_000;
      const before = spec.clock.now().getTime();
      expect(await spec.round()).toBe(1);
      const waiting = await job(a);
      expect(waiting.attempts).toBe(1);
      expect(new Date(waiting.next_attempt_at).getTime() - before).toBeGreaterThanOrEqual(30_000);
      expect(waiting.last_error).toContain('HTTP 429');
      spec.offsetMs += 29_000;
      expect(await spec.round()).toBe(0);
    }
    spec.offsetMs += 60_000;
    await spec.drainOut();
    expect(await job(a)).toBeUndefined();
    expect([...spec.platform.records.values()].filter((r) => r.correlationId === incident.id)).toHaveLength(1);
    expect(spec.platform.writes.filter((w) => w.op === 'create')).toHaveLength(1);
  });

  it('dead-letters a permanently refused lookup at once, with its status and kind', async () => {
    const a = await spec.integration('a');
    spec.platform.callFailures.push('lost');
    const incident = await spec.di.resolve(IncidentService).create(spec.org, { title: 'Forbidden lookup', status: 'new' });
    await spec.round();
    spec.platform.readFailures.push({ status: 403 });
    spec.offsetMs += 60_000;
    await spec.round();
    expect(await job(a)).toBeUndefined();
    const { items } = await spec.di.resolve(DeadLetterQueue).list(a, { limit: 10, offset: 0 });
    expect(items).toEqual([expect.objectContaining({ record_id: incident.id, error_status: 403, error_kind: 'config' })]);
  });
});
