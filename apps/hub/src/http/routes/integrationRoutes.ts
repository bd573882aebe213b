import {
  AdapterConnector,
  ConnectionTestResultSchema,
  CreateIntegrationSchema,
  IntegrationSchema,
  IntegrationService,
  ListIntegrationsQuerySchema,
  ConflictError,
  OrganizationService,
  SyncStatusService,
  UpdateIntegrationSchema,
  z,
} from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';
import { OrgQuery, requireAdminRole, scopeOf } from './scope';

export function registerIntegrationRoutes(
  api: ApiRouter,
  deps: { orgs: OrganizationService; integrations: IntegrationService; connector: AdapterConnector; status: SyncStatusService },
) {
  const { orgs, integrations, connector, status } = deps;

  api.route({
    method: 'post', path: '/api/v1/integrations', tag: 'integrations', summary: 'Create an integration.',
    body: CreateIntegrationSchema, query: OrgQuery, response: IntegrationSchema, status: 201,
    handler: async ({ body, query, principal }) => {
      requireAdminRole(principal);
      const org = await scopeOf(orgs, principal, body, query);
      return integrations.toView(await integrations.create(org, body));
    },
  });
  api.route({
    method: 'get', path: '/api/v1/integrations', tag: 'integrations', summary: 'List integrations, optionally of one type.',
    query: ListIntegrationsQuerySchema, response: z.object({ integrations: z.array(IntegrationSchema) }),
    handler: async ({ query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      return { integrations: (await integrations.list(org, { type: query.type })).map((r) => integrations.toView(r)) };
    },
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}', tag: 'integrations', summary: 'Get an integration by id or name.',
    query: OrgQuery, response: IntegrationSchema,
    handler: async ({ params, query, principal }) => integrations.toView(await integrations.get(await scopeOf(orgs, principal, query), params.id)),
  });
  api.route({
    method: 'patch', path: '/api/v1/integrations/{id}', tag: 'integrations', summary: 'Update an integration; credentials and settings merge key by key.',
    body: UpdateIntegrationSchema, query: OrgQuery, response: IntegrationSchema,
    handler: async ({ body, params, query, principal }) => {
      requireAdminRole(principal);
      const org = await scopeOf(orgs, principal, body, query);
      return integrations.toView(await integrations.update(org, params.id, body));
    },
  });
  api.route({
    method: 'delete', path: '/api/v1/integrations/{id}', tag: 'integrations', summary: 'Delete an integration; with undelivered outbox or dead letter entries only with force=true.',
    query: OrgQuery.extend({ force: z.enum(['true', 'false']).optional() }), status: 204,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      const org = await scopeOf(orgs, principal, query);
      const row = await integrations.get(org, params.id);
      const pending = await status.pendingWork(row.id);
      if (query.force !== 'true' && (pending.outbox > 0 || pending.deadLetters > 0)) {
        throw new ConflictError(
          `Integration '${row.name}' has ${pending.outbox} undelivered outbox entries and ${pending.deadLetters} dead letter entries; deleting it drops them. Delete with force to do it anyway (?force=true; im integration delete --force).`,
        );
      }
      await integrations.delete(org, row.id);
    },
  });
  api.route({
    method: 'post', path: '/api/v1/integrations/{id}/test', tag: 'integrations', summary: 'Run the adapter\'s connection checks against the platform.',
    query: OrgQuery, response: ConnectionTestResultSchema,
    handler: async ({ params, query, principal }) => {
      const row = await integrations.get(await scopeOf(orgs, principal, query), params.id);
      const result = await connector.test(row);
      return {
        integration_id: row.id,
        success: result.success,
        checks: result.checks.map((c) => ({ name: c.name, passed: c.passed, message: c.message, status: c.status, duration_ms: c.durationMs })),
      };
    },
  });
}
