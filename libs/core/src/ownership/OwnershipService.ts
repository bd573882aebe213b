import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource, EntityManager } from 'typeorm';
import type { FieldOwner } from '../contracts/SyncDirection';
import { TOKENS } from '../di/tokens';
import { NotFoundError, ValidationError } from '../errors/HubError';
import { FieldOwnership } from '../persistence/entities/FieldOwnership';
import { RecordKinds } from '../records/kinds/RecordKinds';
import { SyncSignals } from '../sync/Wakeup';

export interface OwnershipRule {
  field: string;
  owner: FieldOwner;
  priority: number;
}

/** Field ownership rules of one integration: who wins a field when both sides change it. */
@injectable()
export class OwnershipService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    private readonly kinds: RecordKinds,
    @inject(SyncSignals) private readonly signals: SyncSignals,
  ) {}

  list(integrationId: string, kind = 'incident'): Promise<FieldOwnership[]> {
    this.kinds.get(kind);
    return this.db.getRepository(FieldOwnership).find({ where: { integrationId, recordKind: kind }, order: { fieldName: 'ASC' } });
  }

  /** Replaces every rule of the integration in one transaction. */
  async replace(integrationId: string, rules: OwnershipRule[], kind = 'incident'): Promise<FieldOwnership[]> {
    this.kinds.get(kind);
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.field)) throw new ValidationError(`Field '${rule.field}' appears twice.`, [{ field: `rules.${index}.field`, message: 'duplicate field' }]);
      seen.add(rule.field);
    });
    await this.db.transaction(async (tx) => {
      const repo = tx.getRepository(FieldOwnership);
      await repo.delete({ integrationId, recordKind: kind });
      if (rules.length > 0) {
        await repo.insert(rules.map((r) => ({ id: randomUUID(), integrationId, recordKind: kind, fieldName: r.field, owner: r.owner, priority: r.priority })));
      }
    });
    this.signals.config.notify(integrationId);
    return this.list(integrationId, kind);
  }

  /** Creates or updates the rule of one field. */
  async set(integrationId: string, rule: OwnershipRule, kind = 'incident'): Promise<FieldOwnership> {
    this.kinds.get(kind);
    const repo = this.db.getRepository(FieldOwnership);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ id: randomUUID(), integrationId, recordKind: kind, fieldName: rule.field, owner: rule.owner, priority: rule.priority })
      .orUpdate(['owner', 'priority', 'updated_at'], ['integration_id', 'record_kind', 'field_name'])
      .execute();
    this.signals.config.notify(integrationId);
    return repo.findOneByOrFail({ integrationId, recordKind: kind, fieldName: rule.field });
  }

  async delete(integrationId: string, field: string, kind = 'incident'): Promise<void> {
    const result = await this.db.getRepository(FieldOwnership).delete({ integrationId, recordKind: kind, fieldName: field });
    if (!result.affected) throw new NotFoundError('Ownership rule', field);
    this.signals.config.notify(integrationId);
  }

  static toView(rule: FieldOwnership) {
    return { field: rule.fieldName, owner: rule.owner, priority: rule.priority, updated_at: rule.updatedAt.toISOString() };
  }
}

/**
 * The priority of an integration's rule for one field (0 without a rule), read in the caller's
 * transaction: the inbound processor asks it about the other integration while it holds a row lock.
 */
export async function rulePriority(db: DataSource | EntityManager, integrationId: string, kind: string, field: string): Promise<number> {
  const rows: Array<{ priority: number }> = await db.query(
    `SELECT priority FROM field_ownership WHERE integration_id = $1 AND record_kind = $2 AND field_name = $3`,
    [integrationId, kind, field],
  );
  return rows[0]?.priority ?? 0;
}
