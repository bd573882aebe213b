import {
  createCommentSchema,
  createIncidentSchema,
  IncidentService,
  IntegrationService,
  LinkService,
  listIncidentsQuerySchema,
  OrganizationService,
  updateIncidentSchema,
  z,
} from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';
import { IncidentDetailSchema, IncidentListSchema, IncidentSchema, LinkSchema } from './responseSchemas';
import { OrgQuery, scopeOf } from './scope';

const LinkBody = z.strictObject({
  integration: z.string().min(1).describe('Integration id or name'),
  external_id: z.string().trim().min(1).max(200),
});

/** Canonical incidents, their journal and their external links. Members may change incidents. */
export function registerIncidentRoutes(
  api: ApiRouter,
  deps: { orgs: OrganizationService; incidents: IncidentService; links: LinkService; integrations: IntegrationService },
) {
  const { orgs, incidents, links, integrations } = deps;

  api.route({
    method: 'post', path: '/api/v1/incidents', tag: 'incidents', summary: 'Create an incident; it goes out to every outbound integration.',
    body: createIncidentSchema, query: OrgQuery, status: 201, response: IncidentSchema,
    handler: async ({ body, query, principal }) => incidents.create(await scopeOf(orgs, principal, query), body),
  });
  api.route({
    method: 'get', path: '/api/v1/incidents', tag: 'incidents', summary: 'List incidents (filters, paging).',
    query: listIncidentsQuerySchema.extend(OrgQuery.shape), response: IncidentListSchema,
    handler: async ({ query, principal }) => incidents.list(await scopeOf(orgs, principal, query), query),
  });
  api.route({
    method: 'get', path: '/api/v1/incidents/{id}', tag: 'incidents', summary: 'Get an incident with its comments.',
    query: OrgQuery, response: IncidentDetailSchema,
    handler: async ({ params, query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      const incident = await incidents.get(org, params.id);
      return { ...incident, comments: await incidents.comments(org, params.id) };
    },
  });
  api.route({
    method: 'patch', path: '/api/v1/incidents/{id}', tag: 'incidents', summary: 'Change incident fields; null clears one.',
    body: updateIncidentSchema, query: OrgQuery, response: IncidentSchema,
    handler: async ({ body, params, query, principal }) => incidents.update(await scopeOf(orgs, principal, query), params.id, body),
  });
  api.route({
    method: 'post', path: '/api/v1/incidents/{id}/comments', tag: 'incidents', summary: 'Append a comment to the journal.',
    body: createCommentSchema, query: OrgQuery, status: 201,
    handler: async ({ body, params, query, principal }) => incidents.addComment(await scopeOf(orgs, principal, query), params.id, body),
  });
  api.route({
    method: 'get', path: '/api/v1/incidents/{id}/links', tag: 'links', summary: 'List the incident\'s external links.',
    query: OrgQuery, response: z.object({ links: z.array(LinkSchema) }),
    handler: async ({ params, query, principal }) => ({ links: await links.forRecord(await scopeOf(orgs, principal, query), 'incident', params.id) }),
  });
  api.route({
    method: 'post', path: '/api/v1/incidents/{id}/links', tag: 'links', summary: 'Link the incident to an existing external record.',
    body: LinkBody, query: OrgQuery, status: 201,
    handler: async ({ body, params, query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      const integration = await integrations.get(org, body.integration);
      return links.link(org, 'incident', params.id, integration.id, body.external_id);
    },
  });
  api.route({
    method: 'delete', path: '/api/v1/incidents/{id}/links/{integration}', tag: 'links', summary: 'Remove the incident\'s link on one integration.',
    query: OrgQuery, status: 204,
    handler: async ({ params, query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      const integration = await integrations.get(org, params.integration);
      await links.unlink(org, 'incident', params.id, integration.id);
    },
  });
}
