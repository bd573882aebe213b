import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { ConflictError, NotFoundError } from '../errors/HubError';
import { sendsOut, toExternalValue } from '../mapping/FieldMapper';
import { parseDisplayValue } from '../records/kinds/fieldRules';
import { RecordService } from '../records/RecordService';
import { IntegrationRuntimes } from './IntegrationRuntimes';
import { closeConflict, getConflict, hasPendingConflict, listConflicts, type ConflictFilter, type ConflictView } from './stores/ConflictStore';
import { findLink, ignoreValue, updateLink } from './stores/LinkStore';
import { enqueueCorrective } from './stores/OutboxStore';
import { SyncSignals } from './Wakeup';
import { inSpan, recordAttributes, SPANS } from './tracing';

export type { ConflictFilter, ConflictView } from './stores/ConflictStore';

/** Conflicts recorded by the inbound processor, and the three resolutions of a pending one. */
@injectable()
export class ConflictService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(SyncSignals) private readonly signals: SyncSignals,
    private readonly records: RecordService,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  list(organizationId: string, filter: ConflictFilter): Promise<{ items: ConflictView[]; total: number }> {
    return listConflicts(this.db, organizationId, filter);
  }

  async get(organizationId: string, id: string): Promise<ConflictView> {
    const conflict = await getConflict(this.db, organizationId, id);
    if (!conflict) throw new NotFoundError('Conflict', id);
    return conflict;
  }

  /**
   * use `platform`: the hub value is written to the platform (corrective write); use `external`:
   * the platform value becomes the hub value and fans out to the other integrations; `ignore`:
   * nothing is written and the field stays as each side has it until one of them changes it.
   */
  async resolve(organizationId: string, id: string, use: 'platform' | 'external' | 'ignore'): Promise<ConflictView> {
    const conflict = await this.get(organizationId, id);
    if (conflict.status !== 'pending') throw new ConflictError(`Conflict ${id} is already ${conflict.status}.`);
    const runtime = await this.runtimes.load(conflict.integration_id);
    const kind = conflict.record_kind;
    const key = { kind, recordId: conflict.record_id, integrationId: conflict.integration_id };
    const attributes = {
      'sync.integration_id': conflict.integration_id, 'sync.integration_type': runtime?.type ?? 'unknown', 'sync.direction': use === 'external' ? 'inbound' : 'outbound',
      ...recordAttributes(kind, conflict.record_id), 'sync.field_count': 1, 'sync.result': 'success',
    };
    await inSpan(SPANS.resolveConflict, attributes, async (span) => {
      await this.db.transaction(async (tx) => {
        const record = await this.records.lock(tx, organizationId, kind, conflict.record_id);
        const link = await findLink(tx, key);
        if (link?.external_id) span.setAttribute('sync.external_id', link.external_id);
        if (!(await closeConflict(tx, id, use, this.clock.now()))) throw new ConflictError(`Conflict ${id} was resolved meanwhile.`);
        if (use === 'platform') await enqueueCorrective(tx, { organizationId, ...key }, [conflict.field_name], this.clock.now());
        if (use === 'external') {
          const field = this.records.definition(kind).fields[conflict.field_name];
          await this.records.applyIn(tx, record, { [conflict.field_name]: parseDisplayValue(field, conflict.external_value) }, { origin: conflict.integration_id });
        }
        if (use === 'ignore') {
          // The platform keeps its value: remember what the hub would write so it is not pushed until the hub value changes.
          const mapping = runtime?.mappingsFor(kind).find((m) => m.field === conflict.field_name && sendsOut(m));
          if (mapping) await ignoreValue(tx, key, mapping.externalField, toExternalValue(mapping, record.values[conflict.field_name]));
        }
        if (!(await hasPendingConflict(tx, key))) await updateLink(tx, key, { sync_status: 'synced' }, this.clock.now(), 'conflict');
      });
    });
    this.signals.outbox.notify();
    return this.get(organizationId, id);
  }
}
