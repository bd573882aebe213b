import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ok, type Answer, type Body } from '../api/client';
import { Problem } from '../components/Problem';
import { SchemaForm } from '../components/SchemaForm';

type Adapter = Answer<'/api/v1/adapters', 'get'>['adapters'][number];
type NewIntegrationBody = Body<'/api/v1/integrations', 'post'>;

/** The fields every integration has; the adapter's own credential and settings schemas follow them. */
export const COMMON: RJSFSchema = {
  type: 'object',
  required: ['name', 'base_url'],
  properties: {
    name: { type: 'string', title: 'Name', description: 'How the hub, the CLI and the console name this integration' },
    base_url: { type: 'string', title: 'Base URL', format: 'uri', description: "The platform's address, such as https://example.service-now.com" },
    direction: { type: 'string', title: 'Direction', enum: ['bidirectional', 'outbound', 'inbound', 'none'], default: 'bidirectional' },
    rate_limit_per_minute: { type: 'integer', title: 'Rate limit per minute', minimum: 1, description: "Calls the hub may make a minute; unset: the platform's own limit" },
  },
};

/** A schema as a form section, its secret (write-only) fields as password inputs. */
export function section(schema: unknown, title: string): { schema: RJSFSchema; ui: UiSchema } {
  const given = (schema ?? { type: 'object' }) as RJSFSchema;
  const ui: UiSchema = {};
  for (const [key, prop] of Object.entries(given.properties ?? {})) {
    if (typeof prop === 'object' && (prop as { writeOnly?: boolean }).writeOnly) ui[key] = { 'ui:widget': 'password', 'ui:autocomplete': 'new-password' };
  }
  return { schema: { ...given, title }, ui };
}

export function NewIntegration() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const adapters = useQuery({ queryKey: ['adapters'], queryFn: () => ok(api.GET('/api/v1/adapters')) });
  const [type, setType] = useState('');
  const adapter: Adapter | undefined = adapters.data?.adapters.find((a) => a.type === type);
  const create = useMutation({
    mutationFn: (body: NewIntegrationBody) => ok(api.POST('/api/v1/integrations', { body })),
    onSuccess: async (created) => {
      await queries.invalidateQueries({ queryKey: ['integrations'] });
      navigate(`/integrations/${created.id}`);
    },
  });
  return (
    <main>
      <h1>New integration</h1>
      <Problem error={adapters.error} />
      <label htmlFor="adapter-type">Platform</label>
      <select id="adapter-type" value={type} onChange={(e) => setType(e.target.value)}>
        <option value="">Choose a platform…</option>
        {adapters.data?.adapters.map((a) => (
          <option key={a.type} value={a.type}>{a.display_name}</option>
        ))}
      </select>
      {adapter && <AdapterForm key={adapter.type} adapter={adapter} busy={create.isPending} onSubmit={(body) => create.mutate(body)} />}
      <Problem error={create.error} />
    </main>
  );
}

function AdapterForm({ adapter, busy, onSubmit }: { adapter: Adapter; busy: boolean; onSubmit(body: NewIntegrationBody): void }) {
  const credentials = section(adapter.credential_schema, 'Credentials');
  const settings = section(adapter.settings_schema, 'Settings');
  const schema: RJSFSchema = {
    type: 'object',
    required: ['common', 'credentials'],
    properties: { common: { ...COMMON, title: `${adapter.display_name} integration` }, credentials: credentials.schema, settings: settings.schema },
  };
  return (
    <SchemaForm
      schema={schema}
      uiSchema={{ credentials: credentials.ui, settings: settings.ui }}
      idPrefix="integration"
      // A new integration starts with the adapter's settings for new ones (ServiceNow: signed timestamps required),
      // not the looser schema defaults that integrations created before keep.
      formData={{ settings: adapter.new_integration_settings }}
      submitText="Create integration"
      busy={busy}
      onSubmit={(formData) => {
        const { common, credentials: secrets, settings: values } = formData as { common: Record<string, unknown>; credentials?: Record<string, unknown>; settings?: Record<string, unknown> };
        onSubmit({ ...common, type: adapter.type, credentials: secrets ?? {}, settings: values ?? {} } as NewIntegrationBody);
      }}
    />
  );
}
