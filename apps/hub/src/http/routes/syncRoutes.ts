import {
  ConflictService,
  DeadLetterQueue,
  InboxService,
  IntegrationService,
  LINK_STATES,
  LinkService,
  MappingService,
  OrganizationService,
  kindQuery,
  putMappingsSchema,
  SyncStatusService,
  WebhookReceiver,
  z,
} from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';
import { ActivityHourSchema, AuditPageSchema, ConflictListSchema, ConflictSchema, DeadLetterListSchema, InboxListSchema, LinkSchema, MappingViewSchema, SyncStatusSchema } from './responseSchemas';
import { OrgQuery, requireAdminRole, scopeOf } from './scope';

const Page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };
const PageQuery = z.strictObject({ ...OrgQuery.shape, ...Page });

/** Sync status, links, mappings, audit, dead letters, the inbox, conflicts and the webhook receiver. */
export function registerSyncRoutes(
  api: ApiRouter,
  deps: {
    orgs: OrganizationService;
    integrations: IntegrationService;
    links: LinkService;
    status: SyncStatusService;
    mappings: MappingService;
    deadLetters: DeadLetterQueue;
    inbox: InboxService;
    conflicts: ConflictService;
    webhooks: WebhookReceiver;
  },
) {
  const { orgs, integrations, links, status, mappings, deadLetters, inbox, conflicts, webhooks } = deps;
  const integrationOf = async (principal: Parameters<typeof scopeOf>[1], id: string, query: { organization_id?: string }) =>
    integrations.get(await scopeOf(orgs, principal, query), id);

  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/sync-status', tag: 'sync', summary: 'Link states, queue depths, dead letters, conflicts, last success and error.',
    query: OrgQuery, response: SyncStatusSchema,
    handler: async ({ params, query, principal }) => status.of((await integrationOf(principal, params.id, query)).id),
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/activity', tag: 'sync', summary: 'Calls to the platform, records written and errors per hour, over the last hours (24 by default, at most a week).',
    query: z.strictObject({ ...OrgQuery.shape, hours: z.coerce.number().int().min(1).max(168).default(24) }),
    response: z.object({ integration_id: z.string(), hours: z.array(ActivityHourSchema) }),
    handler: async ({ params, query, principal }) => status.activity((await integrationOf(principal, params.id, query)).id, query.hours),
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/links', tag: 'links', summary: 'List the integration\'s linked records (every kind unless ?kind=).',
    query: z.strictObject({ ...PageQuery.shape, status: z.enum(LINK_STATES).optional(), kind: z.string().regex(/^[a-z][a-z0-9_]*$/).optional() }),
    response: z.object({ items: z.array(LinkSchema), total: z.number() }),
    handler: async ({ params, query, principal }) => links.forIntegration((await integrationOf(principal, params.id, query)).id, query),
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/mappings', tag: 'mappings', summary: 'The field mappings of a kind, incidents by default (the adapter\'s defaults until replaced).',
    query: z.strictObject({ ...OrgQuery.shape, kind: kindQuery }), response: MappingViewSchema,
    handler: async ({ params, query, principal }) => mappings.get(await integrationOf(principal, params.id, query), query.kind),
  });
  api.route({
    method: 'put', path: '/api/v1/integrations/{id}/mappings', tag: 'mappings', summary: 'Replace the field mappings; an empty list restores the defaults.',
    body: putMappingsSchema, query: z.strictObject({ ...OrgQuery.shape, kind: kindQuery }), response: MappingViewSchema,
    handler: async ({ body, params, query, principal }) => {
      requireAdminRole(principal);
      return mappings.replace(await integrationOf(principal, params.id, query), body, query.kind);
    },
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/audit', tag: 'sync', summary: 'The audit log of external calls (no bodies).',
    query: PageQuery, response: AuditPageSchema,
    handler: async ({ params, query, principal }) => mappings.audit((await integrationOf(principal, params.id, query)).id, query),
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/dead-letter-queue', tag: 'dead-letter-queue', summary: 'List dead letter entries.',
    query: PageQuery, response: DeadLetterListSchema,
    handler: async ({ params, query, principal }) => deadLetters.list((await integrationOf(principal, params.id, query)).id, query),
  });
  const entryRoutes = (queue: string, tag: string, service: { retry(integrationId: string, entry: string): Promise<void>; discard(integrationId: string, entry: string): Promise<void> }, summaries: { retry: string; discard: string }) => {
    api.route({
      method: 'post', path: `/api/v1/integrations/{id}/${queue}/{entry}/retry`, tag, summary: summaries.retry,
      query: OrgQuery, status: 202,
      handler: async ({ params, query, principal }) => {
        requireAdminRole(principal);
        await service.retry((await integrationOf(principal, params.id, query)).id, params.entry);
        return { retried: params.entry };
      },
    });
    api.route({
      method: 'delete', path: `/api/v1/integrations/{id}/${queue}/{entry}`, tag, summary: summaries.discard,
      query: OrgQuery, status: 204,
      handler: async ({ params, query, principal }) => {
        requireAdminRole(principal);
        await service.discard((await integrationOf(principal, params.id, query)).id, params.entry);
      },
    });
  };
  entryRoutes('dead-letter-queue', 'dead-letter-queue', deadLetters, { retry: 'Send an entry again with a fresh retry budget.', discard: 'Discard an entry.' });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/inbox', tag: 'inbox', summary: 'List inbound events: pending ones, and failed ones (the record could not be read or applied) with the platform\'s message.',
    query: z.strictObject({ ...PageQuery.shape, state: z.enum(['pending', 'failed']).optional() }), response: InboxListSchema,
    handler: async ({ params, query, principal }) => inbox.list((await integrationOf(principal, params.id, query)).id, query),
  });
  entryRoutes('inbox', 'inbox', inbox, { retry: 'Handle a failed inbound event again with a fresh retry budget.', discard: 'Discard a failed inbound event.' });
  api.route({
    method: 'get', path: '/api/v1/conflicts', tag: 'conflicts', summary: 'List conflicts.', response: ConflictListSchema,
    query: z.strictObject({
      ...PageQuery.shape, integration: z.string().optional(), status: z.enum(['pending', 'resolved', 'ignored']).optional(), incident: z.string().optional(),
      kind: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(), record: z.string().optional(),
    }),
    handler: async ({ query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      const integration = query.integration ? (await integrations.get(org, query.integration)).id : undefined;
      return conflicts.list(org, { ...query, integration });
    },
  });
  api.route({
    method: 'get', path: '/api/v1/conflicts/{id}', tag: 'conflicts', summary: 'Get a conflict.',
    query: OrgQuery, response: ConflictSchema,
    handler: async ({ params, query, principal }) => conflicts.get(await scopeOf(orgs, principal, query), params.id),
  });
  api.route({
    method: 'post', path: '/api/v1/conflicts/{id}/resolve', tag: 'conflicts', summary: 'Resolve a pending conflict with the platform (hub) or the external value.',
    body: z.strictObject({ use: z.enum(['platform', 'external']) }), query: OrgQuery, response: ConflictSchema,
    handler: async ({ body, params, query, principal }) => conflicts.resolve(await scopeOf(orgs, principal, query), params.id, body.use),
  });
  api.route({
    method: 'post', path: '/api/v1/conflicts/{id}/ignore', tag: 'conflicts', summary: 'Ignore a pending conflict: nothing is written.',
    query: OrgQuery, response: ConflictSchema,
    handler: async ({ params, query, principal }) => conflicts.resolve(await scopeOf(orgs, principal, query), params.id, 'ignore'),
  });
  api.route({
    method: 'post', path: '/api/v1/webhooks/{integration_id}', tag: 'webhooks', summary: 'Receive a platform webhook (authenticated by its signature, not a token).',
    public: true, status: 202,
    handler: async ({ ctx, params }) => {
      const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
      const receipt = await webhooks.receive(params.integration_id, {
        headers: ctx.headers as Record<string, string | undefined>,
        rawBody: Buffer.from(raw, 'utf8'),
        query: ctx.query as Record<string, string | undefined>,
      });
      // Nothing new (a replay, or an echo of our own write) is acknowledged with 200.
      if (receipt.queued === 0) {
        ctx.status = 200;
        ctx.body = receipt;
        return undefined;
      }
      return receipt;
    },
  });
}
