import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One HTTP call the hub made to a platform (seed 001's `integration_sync_log`). Query strings are
 * never stored; bodies only with HUB_AUDIT_PAYLOADS=true, redacted and cut to 4 KB.
 */
@Entity({ name: 'integration_sync_log' })
export class SyncLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'organization_id', type: 'text' })
  organizationId: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId: string;

  /** `create`, `update`, `comment`, `read`, `find`, `list`, `test`, or `request` outside a sync operation. */
  @Column({ type: 'text' })
  operation: string;

  @Column({ name: 'entity_type', type: 'text', nullable: true })
  entityType: string | null;

  @Column({ name: 'entity_id', type: 'text', nullable: true })
  entityId: string | null;

  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'text' })
  method: string;

  @Column({ type: 'text' })
  path: string;

  /** `success` or `error` (a transport failure or an HTTP status of 400 and above). */
  @Column({ type: 'text' })
  status: 'success' | 'error';

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'request_payload', type: 'jsonb', nullable: true })
  requestPayload: object | null;

  @Column({ name: 'response_payload', type: 'jsonb', nullable: true })
  responsePayload: object | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
