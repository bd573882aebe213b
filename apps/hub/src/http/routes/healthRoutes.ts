import { AdapterRegistry, databaseReady, describeManifest, z } from '@itsm-hub/core';
import type { DataSource } from 'typeorm';
import type { ApiRouter } from '../ApiRouter';
import type { Metrics } from '../metrics';

const AdapterListSchema = z.object({
  adapters: z.array(
    z.object({
      type: z.string(),
      aliases: z.array(z.string()),
      display_name: z.string(),
      package: z.string(),
      version: z.string(),
      core_range: z.string(),
      capabilities: z.record(z.string(), z.array(z.string())).describe('Per record kind, the operations the adapter supports.'),
      versions: z.record(z.string(), z.enum(['counter', 'timestamp', 'opaque'])).describe('Per record kind, how the adapter\'s record versions compare.'),
      credential_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the credentials; secret fields are writeOnly.'),
      settings_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the adapter\'s settings.'),
      required_to_write: z.array(z.string()).describe('Settings an integration that sends records to the platform must have.'),
      new_integration_settings: z.record(z.string(), z.unknown()).describe('Settings a new integration starts with unless its creator sets them; they can differ from the schema\'s defaults, which older integrations keep.'),
      setup_steps: z.string().nullable().describe('Markdown: how to set the platform side up.'),
    }),
  ),
  refused: z.array(z.object({ package: z.string(), reason: z.string() })),
});

export function registerHealthRoutes(api: ApiRouter, deps: { db: DataSource; adapters: AdapterRegistry; metrics: Metrics; openApi: () => unknown }) {
  api.route({
    method: 'get', path: '/healthz', tag: 'health', summary: 'Liveness: the process answers.', public: true,
    handler: () => ({ status: 'ok' }),
  });
  api.route({
    method: 'get', path: '/readyz', tag: 'health', summary: 'Readiness: database reachable and migrations applied.', public: true,
    handler: async ({ ctx }) => {
      const state = await databaseReady(deps.db);
      const ready = state.reachable && state.migrated;
      ctx.status = ready ? 200 : 503;
      ctx.body = { status: ready ? 'ready' : 'not ready', database: state.reachable ? 'reachable' : 'unreachable', migrations: state.migrated ? 'applied' : 'pending' };
      return undefined;
    },
  });
  api.route({
    method: 'get', path: '/metrics', tag: 'health', summary: 'Prometheus metrics.', public: true,
    handler: async ({ ctx }) => {
      ctx.type = deps.metrics.contentType;
      return deps.metrics.text();
    },
  });
  api.route({
    method: 'get', path: '/api/v1/openapi.json', tag: 'meta', summary: 'This OpenAPI document.',
    handler: () => deps.openApi(),
  });
  api.route({
    method: 'get', path: '/api/v1/adapters', tag: 'adapters', summary: 'Loaded adapters, and refused ones with the reason.',
    response: AdapterListSchema,
    handler: () => ({
      adapters: deps.adapters.loaded.map((a) => {
        const described = describeManifest(a.plugin.manifest);
        return {
          type: a.type, aliases: a.aliases, display_name: a.displayName, package: a.package, version: a.version, core_range: a.coreRange,
          capabilities: Object.fromEntries(Object.entries(a.capabilities).map(([kind, c]) => [kind, Object.keys(c?.operations ?? {})])),
          versions: Object.fromEntries(Object.entries(a.capabilities).map(([kind, c]) => [kind, c?.versions ?? 'opaque'])),
          credential_schema: described.credentialSchema, settings_schema: described.settingsSchema,
          required_to_write: described.requiredToWrite, new_integration_settings: described.newIntegrationSettings, setup_steps: described.setupSteps,
        };
      }),
      refused: deps.adapters.refused,
    }),
  });
}
