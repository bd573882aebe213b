import {
  fieldName,
  IntegrationService,
  kindQuery,
  OrganizationService,
  OwnershipRuleInputSchema,
  OwnershipRuleSchema,
  OwnershipService,
  parseInput,
  ReplaceOwnershipSchema,
  z,
} from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';
import { OrgQuery, requireAdminRole, scopeOf } from './scope';

const RulesSchema = z.object({ integration_id: z.string(), kind: z.string(), rules: z.array(OwnershipRuleSchema) });
const KindQuery = z.strictObject({ ...OrgQuery.shape, kind: kindQuery });

export function registerOwnershipRoutes(
  api: ApiRouter,
  deps: { orgs: OrganizationService; integrations: IntegrationService; ownership: OwnershipService },
) {
  const { orgs, integrations, ownership } = deps;
  const integrationOf = async (principal: Parameters<typeof scopeOf>[1], id: string, query: { organization_id?: string }) =>
    integrations.get(await scopeOf(orgs, principal, query), id);
  const rulesOf = async (integrationId: string, kind: string) => ({
    integration_id: integrationId,
    kind,
    rules: (await ownership.list(integrationId, kind)).map(OwnershipService.toView),
  });

  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/ownership', tag: 'ownership', summary: 'List field ownership rules.',
    query: KindQuery, response: RulesSchema,
    handler: async ({ params, query, principal }) => rulesOf((await integrationOf(principal, params.id, query)).id, query.kind),
  });
  api.route({
    method: 'put', path: '/api/v1/integrations/{id}/ownership', tag: 'ownership', summary: 'Replace all field ownership rules.',
    query: KindQuery, body: ReplaceOwnershipSchema, response: RulesSchema,
    handler: async ({ params, query, body, principal }) => {
      requireAdminRole(principal);
      const row = await integrationOf(principal, params.id, query);
      await ownership.replace(row.id, body.rules, query.kind);
      return rulesOf(row.id, query.kind);
    },
  });
  api.route({
    method: 'patch', path: '/api/v1/integrations/{id}/ownership/{field}', tag: 'ownership', summary: 'Create or update the rule of one field.',
    query: KindQuery, body: OwnershipRuleInputSchema, response: OwnershipRuleSchema,
    handler: async ({ params, query, body, principal }) => {
      requireAdminRole(principal);
      const field = parseInput(fieldName, params.field, 'field name', 'field');
      const row = await integrationOf(principal, params.id, query);
      return OwnershipService.toView(await ownership.set(row.id, { field, owner: body.owner, priority: body.priority }, query.kind));
    },
  });
  api.route({
    method: 'delete', path: '/api/v1/integrations/{id}/ownership/{field}', tag: 'ownership', summary: 'Delete the rule of one field.',
    query: KindQuery, status: 204,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      const field = parseInput(fieldName, params.field, 'field name', 'field');
      const row = await integrationOf(principal, params.id, query);
      await ownership.delete(row.id, field, query.kind);
    },
  });
}
