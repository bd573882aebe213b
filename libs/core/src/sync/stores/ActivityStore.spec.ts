import 'reflect-metadata';
import { EngineSpec } from '../../testing/engineSpec';
import { activityOf } from './ActivityStore';

describe('activityOf: an integration\'s calls per hour from the sync log', () => {
  const spec = new EngineSpec();
  beforeAll(() => spec.setUp());
  afterAll(() => spec.tearDown());

  it('counts calls, successful writes and errors per hour, with the quiet hours as zeros', async () => {
    const id = await spec.integration('mem-activity');
    const other = await spec.integration('mem-other');
    const now = new Date('2026-12-03T14:20:00Z');
    const log = (integration: string, at: string, operation: string, status: 'success' | 'error') =>
      spec.db.query(
        `INSERT INTO integration_sync_log (organization_id, integration_id, operation, method, path, status, duration_ms, created_at) VALUES ($1, $2, $3, 'POST', '/x', $4, 5, $5)`,
        [spec.org, integration, operation, status, at],
      );
    await log(id, '2026-12-03T14:05:00Z', 'create', 'success');
    await log(id, '2026-12-03T14:10:00Z', 'read', 'success');
    await log(id, '2026-12-03T14:15:00Z', 'update', 'error');
    await log(id, '2026-12-03T12:59:59Z', 'comment', 'success');
    // Outside the window, and another integration's call: not counted.
    await log(id, '2026-12-03T11:59:59Z', 'create', 'success');
    await log(other, '2026-12-03T14:05:00Z', 'create', 'success');
    const hours = await activityOf(spec.db, id, 3, now);
    expect(hours).toEqual([
      { hour: '2026-12-03T12:00:00.000Z', calls: 1, writes: 1, errors: 0 },
      { hour: '2026-12-03T13:00:00.000Z', calls: 0, writes: 0, errors: 0 },
      { hour: '2026-12-03T14:00:00.000Z', calls: 3, writes: 1, errors: 1 },
    ]);
  });
});
