import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { TOKENS } from '../di/tokens';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/HubError';
import { Organization } from '../persistence/entities/Organization';
import type { Principal } from '../security/Principal';
import { isUniqueViolation } from '../persistence/isUniqueViolation';

export const DEFAULT_ORGANIZATION = 'default';

@injectable()
export class OrganizationService {
  constructor(@inject(TOKENS.DataSource) private readonly db: DataSource) {}

  async ensureDefault(): Promise<Organization> {
    const repo = this.db.getRepository(Organization);
    const existing = await repo.findOneBy({ name: DEFAULT_ORGANIZATION });
    if (existing) return existing;
    await repo.createQueryBuilder().insert().values({ id: randomUUID(), name: DEFAULT_ORGANIZATION }).orIgnore().execute();
    return repo.findOneByOrFail({ name: DEFAULT_ORGANIZATION });
  }

  async create(principal: Principal, name: string): Promise<Organization> {
    requireInstanceAdmin(principal);
    try {
      return await this.db.getRepository(Organization).save({ id: randomUUID(), name });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`An organization named '${name}' already exists.`, [{ field: 'name', message: 'already exists' }]);
      throw err;
    }
  }

  async list(principal: Principal): Promise<Organization[]> {
    const repo = this.db.getRepository(Organization);
    if (principal.instanceAdmin) return repo.find({ order: { createdAt: 'ASC', name: 'ASC' } });
    return repo.findBy({ id: principal.organizationId });
  }

  /** The organization a request acts in: its own, or for the instance admin any existing one (by id or name). */
  async resolveScope(principal: Principal, requested?: string): Promise<string> {
    if (!requested || requested === principal.organizationId) return principal.organizationId;
    if (!principal.instanceAdmin) throw new NotFoundError('Organization', requested);
    const repo = this.db.getRepository(Organization);
    const org = (await repo.findOneBy({ id: requested })) ?? (await repo.findOneBy({ name: requested }));
    if (!org) throw new NotFoundError('Organization', requested);
    return org.id;
  }
}

export function requireInstanceAdmin(principal: Principal): void {
  if (!principal.instanceAdmin) throw new ForbiddenError('Only the instance admin token (admin of organization default) may do this.');
}
