import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import type { Clock } from '../contracts/Clock';
import { TOKENS } from '../di/tokens';
import { ErrorCodes } from '../errors/codes';
import { AuthenticationError, NotFoundError } from '../errors/HubError';
import { ApiToken, type TokenRole } from '../persistence/entities/ApiToken';
import { generateApiToken, hashApiToken, tokenHint } from '../security/apiTokens';
import type { Principal } from '../security/Principal';
import { DEFAULT_ORGANIZATION, OrganizationService, requireInstanceAdmin } from './OrganizationService';
import { PrincipalCache } from './PrincipalCache';
import { sql } from '../persistence/sql';
import { isUniqueViolation } from '../persistence/isUniqueViolation';

export interface IssuedToken {
  record: ApiToken;
  /** The plaintext token: shown once, never stored. */
  token: string;
}

@injectable()
export class TokenService {
  constructor(
    @inject(TOKENS.DataSource) private readonly db: DataSource,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    private readonly organizations: OrganizationService,
    private readonly cache: PrincipalCache,
  ) {}

  async issue(principal: Principal, organizationRef: string, name: string, role: TokenRole): Promise<IssuedToken> {
    requireInstanceAdmin(principal);
    const organizationId = await this.organizations.resolveScope(principal, organizationRef);
    return this.insert(organizationId, name, role, generateApiToken());
  }

  async revoke(principal: Principal, tokenId: string): Promise<void> {
    const repo = this.db.getRepository(ApiToken);
    const token = await repo.findOneBy({ id: tokenId });
    const visible = token && (principal.instanceAdmin || (principal.role === 'admin' && token.organizationId === principal.organizationId));
    if (!token || !visible || token.revokedAt) throw new NotFoundError('Token', tokenId);
    await repo.update({ id: tokenId }, { revokedAt: this.clock.now() });
    this.cache.clear();
  }

  async authenticate(bearer: string | undefined): Promise<Principal> {
    if (!bearer) throw new AuthenticationError('Send an API token as "Authorization: Bearer <token>".', ErrorCodes.AUTH_MISSING);
    const hash = hashApiToken(bearer);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(hash, now);
    if (cached) return cached;
    // One round trip: the token and its organization's name together.
    const [token] = await sql(this.db,
      `SELECT t.id, t.organization_id, t.role, t.revoked_at, o.name AS organization_name
         FROM api_tokens t JOIN organizations o ON o.id = t.organization_id WHERE t.token_hash = $1`,
      [hash],
    );
    if (!token || token.revoked_at) throw new AuthenticationError('The API token is not valid or has been revoked.');
    const principal: Principal = {
      tokenId: token.id,
      organizationId: token.organization_id,
      role: token.role,
      instanceAdmin: token.role === 'admin' && token.organization_name === DEFAULT_ORGANIZATION,
    };
    this.cache.set(hash, principal, now);
    return principal;
  }

  /**
   * First start: makes sure organization `default` has an admin token. With `configured` (HUB_ADMIN_TOKEN)
   * that token is registered; otherwise one is generated when none exists, and returned so the
   * caller can show it once.
   */
  async bootstrapAdmin(configured?: string): Promise<{ created: boolean; token?: string }> {
    const org = await this.organizations.ensureDefault();
    const repo = this.db.getRepository(ApiToken);
    if (configured) {
      const existing = await repo.findOneBy({ tokenHash: hashApiToken(configured) });
      if (existing && existing.organizationId === org.id && existing.role === 'admin' && !existing.revokedAt) return { created: false };
      if (existing) throw new AuthenticationError('HUB_ADMIN_TOKEN is already in use by another token; choose a different value.');
      try {
        await this.insert(org.id, 'admin (HUB_ADMIN_TOKEN)', 'admin', configured);
      } catch (err) {
        // Another hub process on the same database (a replica starting at the same moment) stored it first.
        if (isUniqueViolation(err)) return this.bootstrapAdmin(configured);
        throw err;
      }
      return { created: true };
    }
    const active = (await repo.createQueryBuilder('t').where('t.organization_id = :org AND t.role = :role AND t.revoked_at IS NULL', { org: org.id, role: 'admin' }).getCount()) > 0;
    if (active) return { created: false };
    const token = generateApiToken();
    await this.insert(org.id, 'admin (first start)', 'admin', token);
    return { created: true, token };
  }

  async list(organizationId: string): Promise<ApiToken[]> {
    return this.db.getRepository(ApiToken).find({ where: { organizationId }, order: { createdAt: 'ASC' } });
  }

  private async insert(organizationId: string, name: string, role: TokenRole, token: string): Promise<IssuedToken> {
    const record = await this.db.getRepository(ApiToken).save({
      id: randomUUID(),
      organizationId,
      name,
      role,
      tokenHash: hashApiToken(token),
      tokenHint: tokenHint(token),
      lastUsedAt: null,
      revokedAt: null,
    });
    return { record, token };
  }
}
