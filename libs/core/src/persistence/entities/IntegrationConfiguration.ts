import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FieldMapping } from '../../contracts/FieldMapping';
import type { RecordKind } from '../../contracts/RecordKind';
import type { ConflictStrategy, SyncDirection } from '../../contracts/SyncDirection';

@Entity({ name: 'integration_configurations' })
export class IntegrationConfiguration {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'organization_id', type: 'text' })
  organizationId: string;

  @Column({ name: 'integration_type', type: 'text' })
  type: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'base_url', type: 'text' })
  baseUrl: string;

  @Column({ name: 'credentials_encrypted', type: 'bytea' })
  credentialsEncrypted: Buffer;

  /** Names of the stored credential fields, so listings never need to decrypt. */
  @Column({ name: 'credential_keys', type: 'jsonb' })
  credentialKeys: string[];

  @Column({ name: 'sync_direction', type: 'text' })
  direction: SyncDirection;

  @Column({ type: 'boolean' })
  enabled: boolean;

  @Column({ name: 'webhook_secret_encrypted', type: 'bytea', nullable: true })
  webhookSecretEncrypted: Buffer | null;

  @Column({ name: 'conflict_strategy', type: 'text' })
  conflictStrategy: ConflictStrategy;

  @Column({ name: 'rate_limit_per_minute', type: 'integer', nullable: true })
  rateLimitPerMinute: number | null;

  @Column({ type: 'jsonb' })
  settings: Record<string, unknown>;

  /** Field mappings per kind replacing the adapter's defaults; a kind absent uses the defaults. */
  @Column({ name: 'field_mappings', type: 'jsonb', nullable: true })
  fieldMappings: Partial<Record<RecordKind, FieldMapping[]>> | null;

  /** Directions of kinds that do not follow `direction` (the incidents' direction and the default). */
  @Column({ name: 'kind_directions', type: 'jsonb' })
  kindDirections: Partial<Record<RecordKind, SyncDirection>>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
