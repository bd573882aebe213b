import { OrganizationService, requireInstanceAdmin, TOKEN_ROLES, TokenService, type ApiToken, type Organization, z } from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';

const OrganizationSchema = z.object({ id: z.string(), name: z.string(), created_at: z.string() });
const TokenSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  name: z.string(),
  role: z.enum(TOKEN_ROLES),
  hint: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});

const CreateOrganizationSchema = z
  .object({ name: z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dots, dashes and underscores') })
  .strict();
const CreateTokenSchema = z
  .object({ name: z.string().min(1, 'must not be empty').max(100), role: z.enum(TOKEN_ROLES).default('member') })
  .strict();

const orgView = (o: Organization) => ({ id: o.id, name: o.name, created_at: o.createdAt.toISOString() });
const tokenView = (t: ApiToken) => ({
  id: t.id, organization_id: t.organizationId, name: t.name, role: t.role, hint: t.tokenHint,
  created_at: t.createdAt.toISOString(), revoked_at: t.revokedAt ? t.revokedAt.toISOString() : null,
});

const MeSchema = z.object({
  token_id: z.string(),
  organization_id: z.string(),
  role: z.enum(TOKEN_ROLES),
  instance_admin: z.boolean(),
});

export function registerOrganizationRoutes(api: ApiRouter, deps: { orgs: OrganizationService; tokens: TokenService }) {
  api.route({
    method: 'get', path: '/api/v1/me', tag: 'organizations', summary: 'Who the bearer token is: its organization and role (the console shows members read-only views).',
    response: MeSchema,
    handler: ({ principal }) => ({ token_id: principal.tokenId, organization_id: principal.organizationId, role: principal.role, instance_admin: principal.instanceAdmin }),
  });
  api.route({
    method: 'post', path: '/api/v1/organizations', tag: 'organizations', summary: 'Create an organization (instance admin).',
    body: CreateOrganizationSchema, response: OrganizationSchema, status: 201,
    handler: async ({ body, principal }) => orgView(await deps.orgs.create(principal, body.name)),
  });
  api.route({
    method: 'get', path: '/api/v1/organizations', tag: 'organizations', summary: 'List organizations (the instance admin sees all).',
    response: z.object({ organizations: z.array(OrganizationSchema) }),
    handler: async ({ principal }) => ({ organizations: (await deps.orgs.list(principal)).map(orgView) }),
  });
  api.route({
    method: 'post', path: '/api/v1/organizations/{id}/tokens', tag: 'organizations', summary: 'Issue an API token in an organization (instance admin). The token is shown once.',
    body: CreateTokenSchema, response: TokenSchema.extend({ token: z.string() }), status: 201,
    handler: async ({ body, params, principal }) => {
      const issued = await deps.tokens.issue(principal, params.id, body.name, body.role);
      return { ...tokenView(issued.record), token: issued.token };
    },
  });
  api.route({
    method: 'get', path: '/api/v1/organizations/{id}/tokens', tag: 'organizations', summary: 'List the tokens of an organization (instance admin).',
    response: z.object({ tokens: z.array(TokenSchema) }),
    handler: async ({ params, principal }) => {
      requireInstanceAdmin(principal);
      const orgId = await deps.orgs.resolveScope(principal, params.id);
      return { tokens: (await deps.tokens.list(orgId)).map(tokenView) };
    },
  });
  api.route({
    method: 'delete', path: '/api/v1/tokens/{id}', tag: 'organizations', summary: 'Revoke an API token.', status: 204,
    handler: async ({ params, principal }) => {
      await deps.tokens.revoke(principal, params.id);
    },
  });
}
