import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { InboundEvent } from '../contracts/InboundEvent';
import type { Logger } from '../contracts/Logger';
import { TOKENS } from '../di/tokens';
import { IntegrationRuntimes, takesInbound } from './IntegrationRuntimes';
import type { SyncSettings } from './SyncSettings';
import { SyncSignals } from './Wakeup';
import { returningRows } from '../persistence/returningRows';

const MAX_PAGES_PER_RUN = 20;
const PAGE_SIZE = 100;

/**
 * Polls integrations with `settings.poll_interval_seconds` > 0 for records changed since their
 * cursor and queues them like webhooks. Each page and the cursor after it commit together, so a
 * crash re-reads at most one page; the adapter's listing overlaps the cursor and the inbox skips
 * versions already synced.
 */
@injectable()
export class Poller {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.SyncSettings) private readonly settings: SyncSettings,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  async runOnce(owner: string): Promise<number> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO sync_cursors (integration_id, next_poll_at)
       SELECT id, $1 FROM integration_configurations WHERE COALESCE((settings->>'poll_interval_seconds')::int, 0) > 0
       ON CONFLICT DO NOTHING`,
      [now.toISOString()],
    );
    const due = returningRows<{ integration_id: string; cursor: string | null }>(await this.db.query(
      `UPDATE sync_cursors c SET lease_owner = $1, lease_expires_at = $2::timestamptz + ($3 || ' milliseconds')::interval
        WHERE c.integration_id IN (
          SELECT integration_id FROM sync_cursors WHERE next_poll_at <= $2 AND (lease_expires_at IS NULL OR lease_expires_at < $2)
           FOR UPDATE SKIP LOCKED LIMIT 4)
        RETURNING c.integration_id, c.cursor`,
      [owner, now.toISOString(), String(this.settings.leaseMs)],
    ));
    for (const row of due) await this.poll(owner, row.integration_id, row.cursor);
    return due.length;
  }

  private async poll(owner: string, integrationId: string, startCursor: string | null): Promise<void> {
    const runtime = await this.runtimes.load(integrationId);
    const interval = runtime?.settings.poll_interval_seconds ?? 0;
    let cursor = startCursor;
    let error: string | null = null;
    try {
      if (runtime && runtime.enabled && interval > 0 && takesInbound(runtime.direction) && runtime.adapter.list) {
        let page: string | undefined;
        for (let n = 0; n < MAX_PAGES_PER_RUN; n += 1) {
          const result = await runtime.adapter.list({ kind: 'incident', cursor: startCursor ?? undefined, page, pageSize: PAGE_SIZE });
          cursor = result.cursor ?? cursor;
          await this.db.transaction(async (tx) => {
            for (const record of result.records) {
              const event: InboundEvent = { type: 'updated', record: { ...record, comments: undefined } };
              await tx.query(
                `INSERT INTO sync_inbox (organization_id, integration_id, external_id, delivery_id, source, event) VALUES ($1, $2, $3, $4, 'poll', $5::jsonb)`,
                [runtime.organizationId, runtime.id, record.id, `poll:${record.id}:${record.version ?? ''}`, JSON.stringify(event)],
              );
            }
            await tx.query(`UPDATE sync_cursors SET cursor = $2 WHERE integration_id = $1 AND lease_owner = $3`, [integrationId, cursor, owner]);
          });
          if (result.records.length > 0) this.signals.inbox.notify();
          page = result.nextPage;
          if (!page) break;
        }
      }
    } catch (err) {
      error = (err as Error).message;
      this.logger.warn({ integration_id: integrationId, err: error }, 'poll failed');
    }
    const next = new Date(this.clock.now().getTime() + Math.max(interval, 1) * 1000);
    await this.db.query(
      `UPDATE sync_cursors SET lease_owner = NULL, lease_expires_at = NULL, next_poll_at = $2, last_polled_at = $3, last_error = $4
        WHERE integration_id = $1 AND lease_owner = $5`,
      [integrationId, next.toISOString(), this.clock.now().toISOString(), error, owner],
    );
  }
}
