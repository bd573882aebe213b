import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** `ingest` tokens post alerts and nothing else (an Alertmanager config holds no admin token). */
export type TokenRole = 'admin' | 'member' | 'ingest';
export const TOKEN_ROLES = ['admin', 'member', 'ingest'] as const;

@Entity({ name: 'api_tokens' })
export class ApiToken {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ name: 'organization_id', type: 'text' })
  organizationId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: TokenRole;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash: string;

  @Column({ name: 'token_hint', type: 'text' })
  tokenHint: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
