import type { RJSFSchema } from '@rjsf/utils';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type Answer, type Body } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { SchemaForm } from '../components/SchemaForm';
import { COMMON, section } from './NewIntegration';

type Integration = Answer<'/api/v1/integrations/{id}', 'get'>;
type Patch = Body<'/api/v1/integrations/{id}', 'patch'>;

/**
 * The integration's settings, prefilled, from the same manifest schemas as creating one. Secrets
 * are never shown: the stored ones stay unless new credentials are added, and an empty one of those
 * is left as it is.
 */
export function EditIntegration({ integration }: { integration: Integration }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const [open, setOpen] = useState(false);
  const adapters = useQuery({ queryKey: ['adapters'], queryFn: () => ok(api.GET('/api/v1/adapters')) });
  const save = useMutation({
    mutationFn: (body: Patch) => ok(api.PATCH('/api/v1/integrations/{id}', { params: { path: { id: integration.id } }, body })),
    onSuccess: async () => {
      setOpen(false);
      await queries.invalidateQueries({ queryKey: ['integration', integration.id] });
      await queries.invalidateQueries({ queryKey: ['integrations'] });
    },
  });
  const adapter = adapters.data?.adapters.find((a) => a.type === integration.type);
  if (!canEdit || !adapter) return null;
  const credentials = section(adapter.credential_schema, 'New credentials');
  const { required: _required, ...optionalCredentials } = credentials.schema;
  const settings = section(adapter.settings_schema, 'Settings');
  const schema: RJSFSchema = {
    type: 'object',
    required: ['common'],
    properties: {
      common: { ...COMMON, title: 'Integration', properties: { ...COMMON.properties, enabled: { type: 'boolean', title: 'Enabled' } } },
      credentials: optionalCredentials,
      settings: settings.schema,
    },
  };
  const formData = {
    common: { name: integration.name, base_url: integration.base_url, direction: integration.direction, enabled: integration.enabled, ...(integration.rate_limit_per_minute ? { rate_limit_per_minute: integration.rate_limit_per_minute } : {}) },
    settings: integration.settings,
  };
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">Settings</h2>
      {!open && <button type="button" className="secondary" onClick={() => setOpen(true)}>Edit integration</button>}
      {open && (
        <SchemaForm
          schema={schema}
          uiSchema={{ credentials: credentials.ui, settings: settings.ui }}
          idPrefix="edit"
          submitText="Save integration"
          busy={save.isPending}
          formData={formData}
          onSubmit={(data) => {
            const { common, credentials: secrets = {}, settings: values } = data as { common: Record<string, unknown>; credentials?: Record<string, unknown>; settings?: Record<string, unknown> };
            const filled = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined && v !== ''));
            save.mutate({ ...common, ...(values ? { settings: values } : {}), ...(Object.keys(filled).length > 0 ? { credentials: filled } : {}) } as Patch);
          }}
        />
      )}
      <Problem error={save.error} />
    </section>
  );
}
