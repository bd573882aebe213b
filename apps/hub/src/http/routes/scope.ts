import { ForbiddenError, OrganizationService, type Principal, z } from '@itsm-hub/core';

/** `?organization_id=` lets the instance admin act inside another organization. */
export const OrgQuery = z.object({ organization_id: z.string().min(1).optional() }).strict();

export function scopeOf(orgs: OrganizationService, principal: Principal, ...candidates: Array<{ organization_id?: string } | undefined>) {
  const requested = candidates.map((c) => c?.organization_id).find((v) => v !== undefined);
  return orgs.resolveScope(principal, requested);
}

/** Members read and test; changing configuration takes an admin token of the organization. */
export function requireAdminRole(principal: Principal): void {
  if (principal.role !== 'admin') throw new ForbiddenError('This token has role member; changing configuration needs an admin token.');
}
