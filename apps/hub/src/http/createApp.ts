import { bodyParser } from '@koa/bodyparser';
import {
  AlertMappingService,
  AlertService,
  IntakeKeyService,
  MaintenanceWindowService,
  AdapterConnector,
  AdapterRegistry,
  HubError,
  ErrorCodes,
  ConflictService,
  DeadLetterQueue,
  InboxService,
  IncidentService,
  IntegrationService,
  LinkService,
  MappingService,
  OrganizationService,
  SyncMetrics,
  SyncStatusService,
  SyncRunService,
  WebhookReceiver,
  OwnershipService,
  TOKENS,
  TokenService,
  type HubLogger,
} from '@itsm-hub/core';
import Koa, { type Context, type Next } from 'koa';
import type { DependencyContainer } from 'tsyringe';
import type { DataSource } from 'typeorm';
import { ApiRouter } from './ApiRouter';
import { Metrics } from './metrics';
import { serveConsole } from './consoleStatic';
import { buildOpenApi } from './openapi';
import { problemMiddleware } from './problem';
import { registerHealthRoutes } from './routes/healthRoutes';
import { registerIntegrationRoutes } from './routes/integrationRoutes';
import { registerOrganizationRoutes } from './routes/organizationRoutes';
import { registerIncidentRoutes } from './routes/incidentRoutes';
import { registerOwnershipRoutes } from './routes/ownershipRoutes';
import { registerAlertRoutes } from './routes/alertRoutes';
import { registerRunRoutes } from './routes/runRoutes';
import { registerSyncRoutes } from './routes/syncRoutes';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const HUB_VERSION: string = require('../../package.json').version;

/** Wires the HTTP API from the container's services. Holds no business logic. */
export function createApp(container: DependencyContainer, options: { consoleRoot?: string } = {}): Koa {
  const logger = container.resolve<HubLogger>(TOKENS.Logger);
  const tokens = container.resolve(TokenService);
  const metrics = new Metrics([container.resolve(SyncMetrics).registry]);
  const api = new ApiRouter((ctx) => tokens.authenticate(bearerOf(ctx)));
  const deps = {
    db: container.resolve<DataSource>(TOKENS.DataSource),
    adapters: container.resolve<AdapterRegistry>(TOKENS.AdapterRegistry),
    orgs: container.resolve(OrganizationService),
    tokens,
    integrations: container.resolve(IntegrationService),
    connector: container.resolve(AdapterConnector),
    ownership: container.resolve(OwnershipService),
    incidents: container.resolve(IncidentService),
    links: container.resolve(LinkService),
    status: container.resolve(SyncStatusService),
    mappings: container.resolve(MappingService),
    deadLetters: container.resolve(DeadLetterQueue),
    inbox: container.resolve(InboxService),
    conflicts: container.resolve(ConflictService),
    webhooks: container.resolve(WebhookReceiver),
    runs: container.resolve(SyncRunService),
    alerts: container.resolve(AlertService),
    alertMappings: container.resolve(AlertMappingService),
    intakeKeys: container.resolve(IntakeKeyService),
    maintenance: container.resolve(MaintenanceWindowService),
    metrics,
    openApi: () => openApi,
  };
  registerHealthRoutes(api, deps);
  registerOrganizationRoutes(api, deps);
  registerIntegrationRoutes(api, deps);
  registerOwnershipRoutes(api, deps);
  registerIncidentRoutes(api, deps);
  registerSyncRoutes(api, deps);
  registerRunRoutes(api, deps);
  registerAlertRoutes(api, deps);
  const openApi = buildOpenApi(api.specs, HUB_VERSION);

  const app = new Koa();
  app.silent = true;
  app.use(metrics.middleware());
  app.use(problemMiddleware(logger));
  app.use(requireJsonBody);
  app.use(
    bodyParser({
      enableTypes: ['json'],
      // Parse every media type requireJsonBody lets through (its own list lacks e.g. application/merge-patch+json,
      // whose body would otherwise be silently ignored and the request answered as if it were empty).
      detectJSON: (ctx) => Boolean(ctx.is('application/json', 'application/*+json')),
      jsonLimit: BODY_LIMIT_BYTES,
      jsonStrict: true,
      encoding: 'utf-8',
    }),
  );
  if (options.consoleRoot) app.use(serveConsole(options.consoleRoot));
  app.use(api.router.routes());
  app.use(api.router.allowedMethods());
  return app;
}

function bearerOf(ctx: Context): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return match?.[1];
}

/** A body in any other media type would be silently ignored by the parser: refuse it instead. */
async function requireJsonBody(ctx: Context, next: Next) {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (hasBody && ['POST', 'PUT', 'PATCH'].includes(ctx.method) && !ctx.is('application/json', 'application/*+json')) {
    throw new HubError(ErrorCodes.REQUEST_UNSUPPORTED_MEDIA, 415, 'Unsupported media type', `Send the request body as application/json, not ${ctx.get('content-type') || 'no content type'}.`);
  }
  if (Number(ctx.get('content-length') || 0) > BODY_LIMIT_BYTES) {
    throw new HubError(ErrorCodes.REQUEST_TOO_LARGE, 413, 'Request body too large', `The request body exceeds ${BODY_LIMIT_BYTES} bytes.`);
  }
  await next();
}
