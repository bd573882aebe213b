import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FieldOwner } from '../../contracts/SyncDirection';

@Entity({ name: 'field_ownership' })
export class FieldOwnership {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'integration_id', type: 'text' })
  integrationId: string;

  @Column({ name: 'record_kind', type: 'text' })
  recordKind: string;

  @Column({ name: 'field_name', type: 'text' })
  fieldName: string;

  @Column({ type: 'text' })
  owner: FieldOwner;

  @Column({ type: 'integer' })
  priority: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
