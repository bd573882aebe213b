import {
  alertmanagerPayloadSchema, AlertMappingService, AlertService, createAlertMappingSchema, createIntakeKeySchema, createMaintenanceWindowSchema, eventsV2Schema,
  fromAlertmanager, fromEvent, fromOwnJson, IntakeKeyService, listAlertsQuerySchema, MaintenanceWindowService, newDedupKey, OrganizationService, ownAlertSchema,
  updateAlertMappingSchema, z,
} from '@itsm-hub/core';
import type { ApiRouter } from '../ApiRouter';
import { AlertMappingSchema, AlertSchema, IntakeKeySchema, MaintenanceWindowSchema, NewIntakeKeySchema } from './responseSchemas';
import { OrgQuery, requireAdminRole, scopeOf } from './scope';

const IntakeAnswer = z.object({
  alerts: z.array(z.object({ id: z.string().nullable(), dedup_key: z.string(), status: z.string(), incident_id: z.string().nullable(), deduplicated: z.boolean() })),
});

/** PagerDuty's answers to an event, which senders built for PagerDuty read. */
const EventAccepted = z.object({ status: z.literal('success'), message: z.string(), dedup_key: z.string() });
const InvalidEvent = z.object({ status: z.literal('invalid event'), message: z.string(), errors: z.array(z.string()) });

/**
 * Alerts to incidents (issue 14): three intakes (Alertmanager's webhook, PagerDuty's Events API v2,
 * the hub's own JSON), alert mappings, intake keys, maintenance windows, and the alerts with their tickets.
 */
export function registerAlertRoutes(api: ApiRouter, deps: {
  orgs: OrganizationService; alerts: AlertService; alertMappings: AlertMappingService; intakeKeys: IntakeKeyService; maintenance: MaintenanceWindowService;
}) {
  const { orgs, alerts, alertMappings, intakeKeys, maintenance } = deps;

  api.route({
    method: 'post', path: '/api/v1/alerts/alertmanager', tag: 'alerts', ingest: true, status: 202,
    summary: "Prometheus Alertmanager's webhook (version 4), as Alertmanager sends it; authenticate with an ingest token in http_config.authorization.",
    body: alertmanagerPayloadSchema, query: OrgQuery, response: IntakeAnswer,
    handler: async ({ body, query, principal }) => ({ alerts: await alerts.intake(await scopeOf(orgs, principal, query), fromAlertmanager(body)) }),
  });
  api.route({
    method: 'post', path: '/api/v1/alerts', tag: 'alerts', ingest: true, status: 202,
    summary: "An alert in the hub's own JSON.",
    body: ownAlertSchema, query: OrgQuery, response: IntakeAnswer,
    handler: async ({ body, query, principal }) => ({ alerts: await alerts.intake(await scopeOf(orgs, principal, query), [fromOwnJson(body)]) }),
  });
  api.route({
    method: 'post', path: '/api/v1/alerts/events', tag: 'alerts', public: true, status: 202,
    summary: "PagerDuty Events API v2 (trigger, acknowledge, resolve); routing_key is an alert intake key. Answers as PagerDuty does: 202 success, 400 invalid event.",
    body: eventsV2Schema, handlerValidatesBody: true, response: EventAccepted, vendorError: { status: 400, schema: InvalidEvent },
    handler: async ({ ctx, body }) => {
      const answer = (status: number, answered: z.infer<typeof EventAccepted> | z.infer<typeof InvalidEvent>) => {
        ctx.status = status;
        ctx.body = answered;
        return undefined;
      };
      const parsed = eventsV2Schema.safeParse(body);
      if (!parsed.success) {
        return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors: parsed.error.issues.map((i) => `${i.path.join('.') || 'event'} ${i.message}`) });
      }
      const organizationId = await intakeKeys.organizationOf(parsed.data.routing_key);
      if (!organizationId) return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['routing_key is not a valid alert intake key'] });
      const dedupKey = parsed.data.dedup_key ?? newDedupKey();
      await alerts.intake(organizationId, [fromEvent(parsed.data, dedupKey)]);
      return answer(202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
    },
  });

  api.route({
    method: 'get', path: '/api/v1/alerts', tag: 'alerts', summary: 'Alerts, newest first, with their incident and ticket references.',
    query: listAlertsQuerySchema.extend(OrgQuery.shape), response: z.object({ items: z.array(AlertSchema), total: z.number() }),
    handler: async ({ query, principal }) => alerts.list(await scopeOf(orgs, principal, query), query),
  });
  api.route({
    method: 'get', path: '/api/v1/alerts/{id}', tag: 'alerts', summary: 'One alert with its incident and its ticket on each integration (number, external id, table, url).',
    query: OrgQuery, response: AlertSchema,
    handler: async ({ params, query, principal }) => alerts.get(await scopeOf(orgs, principal, query), params.id),
  });
  for (const [action, summary] of [
    ['acknowledge', 'Acknowledge a firing alert: its incident (and so its tickets) moves to acknowledged.'],
    ['resolve', 'Resolve an alert: its incident resolves once none of its alerts is firing.'],
    ['approve', 'Approve an alert waiting under an approve-mode mapping: its incident opens.'],
    ['dismiss', 'Dismiss an alert waiting for approval, unmapped or suppressed.'],
  ] as const) {
    api.route({
      method: 'post', path: `/api/v1/alerts/{id}/${action}`, tag: 'alerts', summary, query: OrgQuery, response: AlertSchema,
      handler: async ({ params, query, principal }) => {
        requireAdminRole(principal);
        return alerts[action](await scopeOf(orgs, principal, query), params.id);
      },
    });
  }

  api.route({
    method: 'post', path: '/api/v1/alert-mappings', tag: 'alerts', status: 201, summary: 'Create an alert mapping.',
    body: createAlertMappingSchema, query: OrgQuery, response: AlertMappingSchema,
    handler: async ({ body, query, principal }) => {
      requireAdminRole(principal);
      return alertMappings.toView(await alertMappings.create(await scopeOf(orgs, principal, query), body));
    },
  });
  api.route({
    method: 'get', path: '/api/v1/alert-mappings', tag: 'alerts', summary: 'Alert mappings, by name.', query: OrgQuery, response: z.object({ mappings: z.array(AlertMappingSchema) }),
    handler: async ({ query, principal }) => {
      const org = await scopeOf(orgs, principal, query);
      return { mappings: (await alertMappings.list(org)).map((m) => alertMappings.toView(m)) };
    },
  });
  api.route({
    method: 'get', path: '/api/v1/alert-mappings/{id}', tag: 'alerts', summary: 'One alert mapping, by id or name.', query: OrgQuery, response: AlertMappingSchema,
    handler: async ({ params, query, principal }) => alertMappings.toView(await alertMappings.get(await scopeOf(orgs, principal, query), params.id)),
  });
  api.route({
    method: 'patch', path: '/api/v1/alert-mappings/{id}', tag: 'alerts', summary: 'Change an alert mapping (the fields given).',
    body: updateAlertMappingSchema, query: OrgQuery, response: AlertMappingSchema,
    handler: async ({ body, params, query, principal }) => {
      requireAdminRole(principal);
      return alertMappings.toView(await alertMappings.update(await scopeOf(orgs, principal, query), params.id, body));
    },
  });
  api.route({
    method: 'delete', path: '/api/v1/alert-mappings/{id}', tag: 'alerts', status: 204, summary: 'Delete an alert mapping; its alerts stay.', query: OrgQuery,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      await alertMappings.delete(await scopeOf(orgs, principal, query), params.id);
    },
  });

  api.route({
    method: 'post', path: '/api/v1/alert-mappings/{id}/test', tag: 'alerts', status: 201, query: OrgQuery, response: AlertSchema,
    summary: "Send one synthetic alert through the mapping (seed 004's rollout step): answers the alert, whose incident syncs to the mapping's integrations; 409 when a more specific mapping takes it.",
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      return alerts.testMapping(await scopeOf(orgs, principal, query), params.id);
    },
  });

  api.route({
    method: 'post', path: '/api/v1/alert-intake-keys', tag: 'alerts', status: 201, summary: 'Issue a routing key for /alerts/events; the key is answered once, as routing_key.',
    body: createIntakeKeySchema, query: OrgQuery, response: NewIntakeKeySchema,
    handler: async ({ body, query, principal }) => {
      requireAdminRole(principal);
      return intakeKeys.create(await scopeOf(orgs, principal, query), body.name);
    },
  });
  api.route({
    method: 'get', path: '/api/v1/alert-intake-keys', tag: 'alerts', summary: 'Alert intake keys (never the keys themselves).', query: OrgQuery, response: z.object({ keys: z.array(IntakeKeySchema) }),
    handler: async ({ query, principal }) => ({ keys: await intakeKeys.list(await scopeOf(orgs, principal, query)) }),
  });
  api.route({
    method: 'delete', path: '/api/v1/alert-intake-keys/{id}', tag: 'alerts', status: 204, summary: 'Revoke an alert intake key.', query: OrgQuery,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      await intakeKeys.revoke(await scopeOf(orgs, principal, query), params.id);
    },
  });

  api.route({
    method: 'post', path: '/api/v1/maintenance-windows', tag: 'alerts', status: 201, summary: 'A maintenance window: alerts matching its labels within its time range are suppressed.',
    body: createMaintenanceWindowSchema, query: OrgQuery, response: MaintenanceWindowSchema,
    handler: async ({ body, query, principal }) => {
      requireAdminRole(principal);
      return maintenance.create(await scopeOf(orgs, principal, query), body);
    },
  });
  api.route({
    method: 'get', path: '/api/v1/maintenance-windows', tag: 'alerts', summary: 'Maintenance windows.', query: OrgQuery, response: z.object({ windows: z.array(MaintenanceWindowSchema) }),
    handler: async ({ query, principal }) => ({ windows: await maintenance.list(await scopeOf(orgs, principal, query)) }),
  });
  api.route({
    method: 'delete', path: '/api/v1/maintenance-windows/{id}', tag: 'alerts', status: 204, summary: 'Remove a maintenance window.', query: OrgQuery,
    handler: async ({ params, query, principal }) => {
      requireAdminRole(principal);
      await maintenance.delete(await scopeOf(orgs, principal, query), params.id);
    },
  });
}
