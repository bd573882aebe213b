import { IntegrationService, ITEM_CATEGORIES, ITEM_OUTCOMES, OrganizationService, RUN_STATUSES, RUN_TYPES, SyncRunService, z } from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';
import { EXPORT_PARTS, runCsv } from '../runExport';
import { RunItemSchema, ScheduleSchema, SyncRunSchema } from './responseSchemas';
import { OrgQuery, requireAdminRole, scopeOf } from './scope';

const Page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) };
const ReconcileBody = z.strictObject({
  dry_run: z.boolean().optional().describe('Only report; the findings are kept as a plan that POST /sync-runs/{id}/apply can apply.'),
  auto_heal: z.boolean().optional().describe('Apply every planned action through the normal sync paths.'),
});
const StartBody = z.strictObject({
  ...ReconcileBody.shape,
  trigger: z.enum(['manual', 'api']).default('api').describe('Who started it, for the history: a person (manual, as im and the console say) or a program (api).'),
});

/** Reconciliation (seed 000) and the journal of runs every long job writes. */
export function registerRunRoutes(api: ApiRouter, deps: { orgs: OrganizationService; integrations: IntegrationService; runs: SyncRunService }) {
  const { orgs, integrations, runs } = deps;

  api.route({
    method: 'post', path: '/api/v1/integrations/{id}/reconcile', tag: 'reconciliation',
    summary: 'Start a reconciliation run: 202 with the run, or with ?wait=true 200 with the finished run; 409 while one runs.',
    body: StartBody, query: z.strictObject({ ...OrgQuery.shape, wait: z.enum(['true', 'false']).optional() }), response: SyncRunSchema,
    handler: async ({ ctx, body, params, query, principal }) => {
      // A dry run changes nothing, so members may run one.
      if (!body.dry_run) requireAdminRole(principal);
      const org = await scopeOf(orgs, principal, query);
      const started = await runs.startReconcile(org, params.id, body, body.trigger);
      if (query.wait === 'true') return started.done;
      ctx.status = 202;
      ctx.body = started.run;
      return undefined;
    },
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/reconcile/history', tag: 'reconciliation', summary: 'The integration\'s reconciliation runs, newest first.',
    query: z.strictObject({ ...OrgQuery.shape, limit: Page.limit }), response: z.object({ runs: z.array(SyncRunSchema) }),
    handler: async ({ params, query, principal }) => runs.history(await scopeOf(orgs, principal, query), params.id, query.limit),
  });
  api.route({
    method: 'get', path: '/api/v1/integrations/{id}/reconcile/schedule', tag: 'reconciliation', summary: 'The integration\'s reconciliation schedule, with its next run.',
    query: OrgQuery, response: ScheduleSchema,
    handler: async ({ params, query, principal }) => runs.schedule(await scopeOf(orgs, principal, query), params.id),
  });
  api.route({
    method: 'post', path: '/api/v1/integrations/{id}/reconcile/schedule', tag: 'reconciliation',
    summary: 'Set the reconciliation schedule (cron, time zone, mode): 201 when new, 200 when it replaced one. It runs once per tick across hub processes.',
    body: z.strictObject({
      cron: z.string().min(1).max(100).describe('Five fields (minute hour day-of-month month day-of-week), or six with leading seconds, e.g. "0 3 * * *".'),
      timezone: z.string().min(1).max(64).default('UTC').describe('IANA time zone the cron expression is read in.'),
      ...ReconcileBody.shape,
    }),
    query: OrgQuery, response: ScheduleSchema,
    handler: async ({ ctx, body, params, query, principal }) => {
      requireAdminRole(principal);
      const { schedule, created } = await runs.setSchedule(await scopeOf(orgs, principal, query), params.id, body);
      ctx.status = created ? 201 : 200;
      ctx.body = schedule;
      return undefined;
    },
  });
  api.route({
    method: 'delete', path: '/api/v1/integrations/{id}/reconcile/schedule', tag: 'reconciliation', summary: 'Remove the reconciliation schedule.',
    query: OrgQuery, status: 204,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      await runs.removeSchedule(await scopeOf(orgs, principal, query), params.id);
    },
  });
  api.route({
    method: 'get', path: '/api/v1/sync-runs', tag: 'runs', summary: 'Runs of every long job (reconcile now; import and publish later), newest first.',
    query: z.strictObject({
      ...OrgQuery.shape, ...Page, integration: z.string().min(1).optional(), type: z.enum(RUN_TYPES).optional(), status: z.enum(RUN_STATUSES).optional(),
      from: z.iso.datetime({ offset: true }).optional().describe('Runs started at or after this time.'), to: z.iso.datetime({ offset: true }).optional().describe('Runs started before this time.'),
    }),
    response: z.object({ items: z.array(SyncRunSchema), total: z.number(), limit: z.number(), offset: z.number() }),
    handler: async ({ query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      const integration = query.integration ? (await integrations.get(org, query.integration)).id : undefined;
      const page = await runs.list(org, { ...query, integration, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined });
      return { ...page, limit: query.limit, offset: query.offset };
    },
  });
  api.route({
    method: 'get', path: '/api/v1/sync-runs/{id}', tag: 'runs', summary: 'A run with its counts per category.',
    query: OrgQuery, response: SyncRunSchema,
    handler: async ({ params, query, principal }) => runs.get(await scopeOf(orgs, principal, query), params.id),
  });
  api.route({
    method: 'get', path: '/api/v1/sync-runs/{id}/items', tag: 'runs', summary: 'What a run found, record by record (records in sync are counted, not listed).',
    query: z.strictObject({ ...OrgQuery.shape, ...Page, category: z.enum(ITEM_CATEGORIES).optional(), outcome: z.enum(ITEM_OUTCOMES).optional() }),
    response: z.object({ items: z.array(RunItemSchema), total: z.number(), limit: z.number(), offset: z.number() }),
    handler: async ({ params, query, principal }) => {
      const page = await runs.items(await scopeOf(orgs, principal, query), params.id, query);
      return { ...page, limit: query.limit, offset: query.offset };
    },
  });
  api.route({
    method: 'get', path: '/api/v1/sync-runs/{id}/export', tag: 'runs', summary: 'The run as text/csv with a header row: its items, its errors and warnings only, or both.',
    query: z.strictObject({ ...OrgQuery.shape, part: z.enum(EXPORT_PARTS).default('all') }),
    handler: async ({ ctx, params, query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      const run = await runs.get(org, params.id);
      ctx.status = 200;
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`run-${run.id}-${query.part}.csv`);
      ctx.body = runCsv(run, query.part, runs.allItems(org, run.id, query.part === 'errors'));
      return undefined;
    },
  });
  api.route({
    method: 'post', path: '/api/v1/sync-runs/{id}/apply', tag: 'runs', summary: 'Apply a saved plan exactly: items whose records changed since are skipped as stale; a plan applies once.',
    query: OrgQuery, response: SyncRunSchema,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      return runs.apply(await scopeOf(orgs, principal, query), params.id);
    },
  });
}
