import { randomBytes, randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { NotFoundError } from '../errors/HubError';
import { hashApiToken } from '../security/apiTokens';
import { iso, sql } from '../sync/stores/db';

export interface IntakeKey {
  id: string;
  organization_id: string;
  name: string;
  hint: string;
  created_at: string;
  revoked_at: string | null;
}

/**
 * Routing keys for PagerDuty-style events: 32 characters like a PagerDuty integration key, so any
 * tool that pages PagerDuty can post to the hub. Only a hash is stored; the key is shown once.
 */
@injectable()
export class IntakeKeyService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async create(organizationId: string, name: string): Promise<IntakeKey & { routing_key: string }> {
    const key = randomBytes(16).toString('hex');
    const [row] = await sql(this.db,
      `INSERT INTO alert_intake_keys (id, organization_id, name, key_hash, key_hint, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [randomUUID(), organizationId, name, hashApiToken(key), key.slice(0, 4), this.clock.now().toISOString()],
    );
    return { ...toKey(row), routing_key: key };
  }

  async list(organizationId: string): Promise<IntakeKey[]> {
    return (await sql(this.db, `SELECT * FROM alert_intake_keys WHERE organization_id = $1 ORDER BY created_at, name`, [organizationId])).map(toKey);
  }

  async revoke(organizationId: string, id: string): Promise<void> {
    const rows = await sql(this.db, `UPDATE alert_intake_keys SET revoked_at = $3 WHERE organization_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING id`, [organizationId, id, this.clock.now().toISOString()]);
    if (rows.length === 0) throw new NotFoundError('Alert intake key', id);
  }

  /** The organization a routing key posts into; undefined for an unknown or revoked key. */
  async organizationOf(routingKey: string): Promise<string | undefined> {
    const rows = await sql(this.db, `SELECT organization_id FROM alert_intake_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [hashApiToken(routingKey)]);
    return rows[0] ? String(rows[0].organization_id) : undefined;
  }
}

function toKey(row: Record<string, unknown>): IntakeKey {
  return { id: String(row.id), organization_id: String(row.organization_id), name: String(row.name), hint: String(row.key_hint), created_at: iso(row.created_at) ?? '', revoked_at: iso(row.revoked_at) };
}
