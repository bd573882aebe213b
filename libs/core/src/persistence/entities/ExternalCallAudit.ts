import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One call the hub made to a platform. Bodies and query strings are never stored. */
@Entity({ name: 'external_call_audit' })
export class ExternalCallAudit {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'organization_id', type: 'text' })
  organizationId: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId: string;

  @Column({ type: 'text' })
  method: string;

  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'integer', nullable: true })
  status: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
