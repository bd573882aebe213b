import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import type { RecordKind } from '../contracts/RecordKind';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { withAuditScope } from '../http/auditScope';
import { isUniqueViolation } from '../persistence/isUniqueViolation';
import { mappedExternal } from '../mapping/FieldMapper';
import { RecordService } from '../records/RecordService';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { wakeWaiters } from './stores/ReferenceWaits';
import { deleteLink, linkedElsewhere, linksOfIntegration, linksOfRecord, saveLink, type Link } from './stores/LinkStore';
import { enqueueCorrective, removeWaitingJobs } from './stores/OutboxStore';
import { SyncSignals } from './Wakeup';

/** A link as the API shows it: the record's kind and id (and seed 000's `incident_id` for incidents). */
export interface LinkView {
  id: string;
  record_kind: RecordKind;
  record_id: string;
  incident_id?: string;
  integration_id: string;
  external_id: string | null;
  external_table: string | null;
  sync_direction: Link['sync_direction'];
  external_number: string | null;
  external_url: string | null;
  sync_status: Link['sync_status'];
  retry_count: number;
  last_synced_version: string | null;
  last_synced_hash: string | null;
  base: Link['base'];
  /** Values left out of writes because they name no one on the platform (an unknown assignee). */
  omitted: Link['omitted'];
  last_error: string | null;
  last_synced_at: string | null;
  created_at: string;
  updated_at: string;
}

export function toLinkView(link: Link): LinkView {
  return {
    id: link.id,
    record_kind: link.entity_type,
    record_id: link.entity_id,
    ...(link.entity_type === 'incident' ? { incident_id: link.entity_id } : {}),
    integration_id: link.integration_id,
    external_id: link.external_id,
    external_table: link.external_table,
    sync_direction: link.sync_direction,
    external_number: link.external_number,
    external_url: link.external_url,
    sync_status: link.sync_status,
    retry_count: link.retry_count,
    last_synced_version: link.last_synced_version,
    last_synced_hash: link.last_sync_hash,
    base: link.base,
    omitted: link.omitted,
    last_error: link.last_error,
    last_synced_at: link.last_synced_at,
    created_at: link.created_at,
    updated_at: link.updated_at,
  };
}

/** External links of records: listing, linking an existing platform record, unlinking. */
@injectable()
export class LinkService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly records: RecordService,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  async forRecord(organizationId: string, kind: RecordKind, recordId: string): Promise<LinkView[]> {
    await this.records.get(organizationId, kind, recordId);
    return (await linksOfRecord(this.db, kind, recordId)).map(toLinkView);
  }

  async forIntegration(integrationId: string, page: { kind?: RecordKind; status?: string; limit: number; offset: number }): Promise<{ items: LinkView[]; total: number }> {
    const { items, total } = await linksOfIntegration(this.db, integrationId, page);
    return { items: items.map(toLinkView), total };
  }

  /**
   * Links a record to one that already exists on the platform: the platform record's values become
   * the base, then the hub's values go out for whatever differs.
   */
  async link(organizationId: string, kind: RecordKind, recordId: string, integrationId: string, externalId: string): Promise<LinkView> {
    await this.records.get(organizationId, kind, recordId);
    const runtime = await this.runtimes.load(integrationId);
    if (!runtime || runtime.organizationId !== organizationId) throw new NotFoundError('Integration', integrationId);
    const record = await withAuditScope({ operation: 'read', entityType: kind, entityId: recordId, externalId }, async () => runtime.adapter.read?.(kind, externalId));
    if (!record) throw new NotFoundError(`${runtime.row.name} ${this.records.definition(kind).label}`, externalId);
    const key = { organizationId, kind, recordId, integrationId: runtime.id };
    if (await linkedElsewhere(this.db, key)) throw new ConflictError(`The ${this.records.definition(kind).label} is already linked on ${runtime.row.name}; unlink it first.`);
    try {
      const link = await this.db.transaction(async (tx) => {
        const saved = await saveLink(tx, key, {
          external_id: record.id,
          external_table: record.table ?? null,
          external_number: record.number ?? null,
          external_url: record.url ?? null,
          base: mappedExternal(record.fields, runtime.mappingsFor(kind)),
          last_synced_version: record.version ?? null,
          sync_status: 'pending',
        }, this.clock.now());
        await enqueueCorrective(tx, key, [], this.clock.now());
        return saved;
      });
      await wakeWaiters(this.db, integrationId, kind, recordId);
      this.signals.outbox.notify();
      return toLinkView(link);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`${runtime.row.name} record '${externalId}' is already linked to another ${this.records.definition(kind).label}.`, [{ field: 'external_id', message: 'already linked' }]);
      throw err;
    }
  }

  async unlink(organizationId: string, kind: RecordKind, recordId: string, integrationId: string): Promise<void> {
    await this.records.get(organizationId, kind, recordId);
    const key = { kind, recordId, integrationId };
    if (!(await deleteLink(this.db, key))) throw new NotFoundError('Link', `${recordId}/${integrationId}`);
    await removeWaitingJobs(this.db, integrationId, kind, recordId);
  }
}
