import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { FieldMapping } from '../contracts/FieldMapping';
import type { RecordKind } from '../contracts/RecordKind';
import { TOKENS } from '../di/tokens';
import { ValidationError } from '../errors/HubError';
import { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import { SyncLogEntry } from '../persistence/entities/SyncLogEntry';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { IntegrationRuntimes } from '../sync/IntegrationRuntimes';
import { SyncSignals } from '../sync/Wakeup';
import { linkedRecordsDiffering } from './linkedDifferences';
import type { PutMappingsInput } from './mappingSchemas';

export interface MappingView {
  kind: RecordKind;
  source: 'default' | 'custom';
  mappings: Array<{ field: string; external_field: string; direction: FieldMapping['direction']; value_map?: Record<string, string>; default?: string }>;
  /** After a replace: linked records whose platform values differ from the hub's under the new mappings (a reconciliation with auto-heal brings them over). */
  linked_records_differing?: number;
}

const toView = (m: FieldMapping): MappingView['mappings'][number] => ({
  field: m.field,
  external_field: m.externalField,
  direction: m.direction,
  ...(m.valueMap ? { value_map: m.valueMap } : {}),
  ...(m.default !== undefined ? { default: m.default } : {}),
});

/** Field mappings per integration and kind: data, defaulting to the adapter's until replaced. */
@injectable()
export class MappingService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    private readonly runtimes: IntegrationRuntimes,
    private readonly kinds: RecordKinds,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  get(row: IntegrationConfiguration, kind: RecordKind = 'incident'): MappingView {
    this.kinds.get(kind);
    return { kind, source: row.fieldMappings?.[kind] ? 'custom' : 'default', mappings: this.runtimes.mappingsOf(row, kind).map(toView) };
  }

  /** Replaces the mappings of a kind; an empty list restores the adapter's defaults. */
  async replace(row: IntegrationConfiguration, input: PutMappingsInput, kind: RecordKind = 'incident'): Promise<MappingView> {
    const definition = this.kinds.get(kind);
    input.mappings.forEach((m, index) => {
      if (!(m.field in definition.fields)) {
        throw new ValidationError(`'${m.field}' is not a field of ${definition.label} records.`, [{ field: `mappings.${index}.field`, message: `must be one of ${Object.keys(definition.fields).join(', ')}` }]);
      }
    });
    const mappings: FieldMapping[] = input.mappings.map((m) => ({
      field: m.field,
      externalField: m.external_field,
      direction: m.direction,
      ...(m.value_map ? { valueMap: m.value_map } : {}),
      ...(m.default !== undefined ? { default: m.default } : {}),
    }));
    const all = { ...(row.fieldMappings ?? {}) };
    if (mappings.length === 0) delete all[kind];
    else all[kind] = mappings;
    await this.db.getRepository(IntegrationConfiguration).update({ id: row.id }, { fieldMappings: Object.keys(all).length > 0 ? all : null });
    this.signals.config.notify(row.id);
    const saved = await this.db.getRepository(IntegrationConfiguration).findOneByOrFail({ id: row.id });
    const view = this.get(saved, kind);
    return { ...view, linked_records_differing: await linkedRecordsDiffering(this.db, row.id, definition, this.runtimes.mappingsOf(saved, kind)) };
  }

  /** The integration's external calls, newest first; bodies only with HUB_AUDIT_PAYLOADS=true, redacted. */
  async audit(integrationId: string, page: { limit: number; offset: number }) {
    const [items, total] = await this.db.getRepository(SyncLogEntry).findAndCount({
      where: { integrationId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return {
      total,
      items: items.map((a) => ({
        id: a.id, operation: a.operation, entity_type: a.entityType, entity_id: a.entityId, external_id: a.externalId,
        method: a.method, path: a.path, status: a.httpStatus, result: a.status, duration_ms: a.durationMs, error: a.errorMessage,
        request_payload: a.requestPayload ?? null, response_payload: a.responsePayload ?? null, created_at: a.createdAt.toISOString(),
      })),
    };
  }
}
