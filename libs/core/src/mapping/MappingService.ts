import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { FieldMapping } from '../contracts/FieldMapping';
import { TOKENS } from '../di/tokens';
import { IntegrationConfiguration } from '../persistence/entities/IntegrationConfiguration';
import { ExternalCallAudit } from '../persistence/entities/ExternalCallAudit';
import { IntegrationRuntimes } from '../sync/IntegrationRuntimes';
import type { PutMappingsInput } from './mappingSchemas';

export interface MappingView {
  source: 'default' | 'custom';
  mappings: Array<{ field: string; external_field: string; direction: FieldMapping['direction']; value_map?: Record<string, string>; default?: string }>;
}

const toView = (m: FieldMapping): MappingView['mappings'][number] => ({
  field: m.field,
  external_field: m.externalField,
  direction: m.direction,
  ...(m.valueMap ? { value_map: m.valueMap } : {}),
  ...(m.default !== undefined ? { default: m.default } : {}),
});

/** Incident field mappings per integration: data, defaulting to the adapter's until replaced. */
@injectable()
export class MappingService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    private readonly runtimes: IntegrationRuntimes,
  ) {}

  get(row: IntegrationConfiguration): MappingView {
    return { source: row.fieldMappings ? 'custom' : 'default', mappings: this.runtimes.mappingsOf(row).map(toView) };
  }

  /** Replaces the mappings; an empty list restores the adapter's defaults. */
  async replace(row: IntegrationConfiguration, input: PutMappingsInput): Promise<MappingView> {
    const mappings: FieldMapping[] | null = input.mappings.length === 0 ? null : input.mappings.map((m) => ({
      field: m.field,
      externalField: m.external_field,
      direction: m.direction,
      ...(m.value_map ? { valueMap: m.value_map } : {}),
      ...(m.default !== undefined ? { default: m.default } : {}),
    }));
    await this.db.getRepository(IntegrationConfiguration).update({ id: row.id }, { fieldMappings: mappings });
    return this.get(await this.db.getRepository(IntegrationConfiguration).findOneByOrFail({ id: row.id }));
  }

  /** The integration's external calls, newest first; bodies are never stored, so none can leak. */
  async audit(integrationId: string, page: { limit: number; offset: number }) {
    const [items, total] = await this.db.getRepository(ExternalCallAudit).findAndCount({
      where: { integrationId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: page.limit,
      skip: page.offset,
    });
    return {
      total,
      items: items.map((a) => ({ id: a.id, method: a.method, path: a.path, status: a.status, duration_ms: a.durationMs, error: a.error, created_at: a.createdAt.toISOString() })),
    };
  }
}
