import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { isUniqueViolation } from '../persistence/isUniqueViolation';
import { mappedExternal } from '../mapping/FieldMapper';
import { IncidentService } from '../records/IncidentService';
import { enqueueCorrective } from '../records/Outbox';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { saveLink, toLink, type Link } from './links';
import { SyncSignals } from './Wakeup';
import { returningRows } from '../persistence/returningRows';

export type LinkView = Omit<Link, 'in_flight' | 'ignored'>;

const view = ({ in_flight: _f, ignored: _i, ...rest }: Link): LinkView => rest;

/** External links of incidents: listing, linking an existing platform record, unlinking. */
@injectable()
export class LinkService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly incidents: IncidentService,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  async forIncident(organizationId: string, incidentId: string): Promise<LinkView[]> {
    await this.incidents.get(organizationId, incidentId);
    const rows = await this.db.query(`SELECT * FROM incident_external_links WHERE incident_id = $1 ORDER BY created_at`, [incidentId]);
    return rows.map(toLink).map(view);
  }

  async forIntegration(integrationId: string, page: { status?: string; limit: number; offset: number }): Promise<{ items: LinkView[]; total: number }> {
    const params: unknown[] = [integrationId];
    let filter = 'integration_id = $1';
    if (page.status) {
      params.push(page.status);
      filter += ' AND sync_status = $2';
    }
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM incident_external_links WHERE ${filter}`, params);
    const rows = await this.db.query(`SELECT * FROM incident_external_links WHERE ${filter} ORDER BY updated_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [...params, page.limit, page.offset]);
    return { items: rows.map(toLink).map(view), total: count };
  }

  /**
   * Links an incident to a record that already exists on the platform: the record's values become
   * the base, then the hub's values go out for whatever differs.
   */
  async link(organizationId: string, incidentId: string, integrationId: string, externalId: string): Promise<LinkView> {
    await this.incidents.get(organizationId, incidentId);
    const runtime = await this.runtimes.load(integrationId);
    if (!runtime || runtime.organizationId !== organizationId) throw new NotFoundError('Integration', integrationId);
    const record = await runtime.adapter.read?.('incident', externalId);
    if (!record) throw new NotFoundError(`${runtime.row.name} incident`, externalId);
    const existing = await this.db.query(`SELECT 1 FROM incident_external_links WHERE incident_id = $1 AND integration_id = $2 AND external_id IS NOT NULL`, [incidentId, runtime.id]);
    if (existing.length > 0) throw new ConflictError(`The incident is already linked on ${runtime.row.name}; unlink it first.`);
    try {
      const link = await this.db.transaction(async (tx) => {
        const saved = await saveLink(tx, incidentId, runtime.id, {
          external_id: record.id,
          external_number: record.number ?? null,
          external_url: record.url ?? null,
          base: mappedExternal(record.fields, runtime.mappings),
          last_synced_version: record.version ?? null,
          sync_status: 'pending',
        }, this.clock.now());
        await enqueueCorrective(tx, organizationId, incidentId, runtime.id, []);
        return saved;
      });
      this.signals.outbox.notify();
      return view(link);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`${runtime.row.name} record '${externalId}' is already linked to another incident.`, [{ field: 'external_id', message: 'already linked' }]);
      throw err;
    }
  }

  async unlink(organizationId: string, incidentId: string, integrationId: string): Promise<void> {
    await this.incidents.get(organizationId, incidentId);
    const deleted = returningRows(await this.db.query(`DELETE FROM incident_external_links WHERE incident_id = $1 AND integration_id = $2 RETURNING id`, [incidentId, integrationId]));
    if (deleted.length === 0) throw new NotFoundError('Link', `${incidentId}/${integrationId}`);
    await this.db.query(`DELETE FROM sync_outbox WHERE incident_id = $1 AND integration_id = $2 AND lease_owner IS NULL`, [incidentId, integrationId]);
  }
}
