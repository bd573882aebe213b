import type { RJSFSchema } from '@rjsf/utils';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type Answer, type Body } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { SchemaForm } from '../components/SchemaForm';
import { AlertTable } from './Alerts';

type Mapping = Answer<'/api/v1/alert-mappings', 'get'>['mappings'][number];
type NewMapping = Body<'/api/v1/alert-mappings', 'post'>;

const ORDER = ['name', 'alert_type', 'match', 'integrations', 'fields', 'severity_map', 'mode', 'on_resolved', 'group_by', 'reopen_window', 'storm', 'platform_fields'];

/** The hub's own schema of a new mapping, as its OpenAPI document serves it: the form cannot drift from the API. */
function useMappingSchema() {
  return useQuery({
    queryKey: ['openapi'],
    queryFn: () => ok(api.GET('/api/v1/openapi.json')) as Promise<unknown>,
    staleTime: Infinity,
    select: (doc) => {
      const schema = (doc as { paths: Record<string, { post: { requestBody: { content: { 'application/json': { schema: RJSFSchema } } } } }> })
        .paths['/api/v1/alert-mappings'].post.requestBody.content['application/json'].schema;
      return { ...schema, title: 'New alert mapping' } as RJSFSchema;
    },
  });
}

export function AlertMappings() {
  const { canEdit } = useSession();
  const list = useQuery({ queryKey: ['alert-mappings'], queryFn: () => ok(api.GET('/api/v1/alert-mappings')), refetchInterval: 5_000 });
  const integrations = useQuery({ queryKey: ['integrations'], queryFn: () => ok(api.GET('/api/v1/integrations')) });
  const nameOf = new Map((integrations.data?.integrations ?? []).map((i) => [i.id, i.name]));
  return (
    <main>
      <h1>Alert mappings</h1>
      <Problem error={list.error} />
      {list.data && list.data.mappings.length === 0 && <p>No mapping yet: alerts are kept as unmapped until one takes them.</p>}
      <ul className="tiles" aria-label="Alert mappings">
        {list.data?.mappings.map((m) => <MappingTile key={m.id} mapping={m} integrationNames={m.integrations.map((id) => nameOf.get(id) ?? id)} />)}
      </ul>
      {canEdit && <NewMappingForm />}
    </main>
  );
}

function MappingTile({ mapping, integrationNames }: { mapping: Mapping; integrationNames: string[] }) {
  const { canEdit } = useSession();
  const [testAlert, setTestAlert] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/alert-mappings/{id}/test', { params: { path: { id: mapping.id } } })),
    onSuccess: (alert) => setTestAlert(alert.id),
  });
  const match = Object.entries(mapping.match).map(([k, v]) => `${k}=${v}`).join(', ');
  return (
    <li className="tile" aria-labelledby={`mapping-${mapping.id}`}>
      <h2 id={`mapping-${mapping.id}`}>{mapping.name}</h2>
      <dl className="counts">
        <dt>Alert type</dt><dd>{mapping.alert_type ?? 'any'}</dd>
        <dt>Match</dt><dd>{match || 'every alert'}</dd>
        <dt>Opens tickets on</dt><dd>{integrationNames.join(', ')}</dd>
        <dt>Mode</dt><dd>{mapping.mode}</dd>
        <dt>When resolved</dt><dd>{mapping.on_resolved}</dd>
        {mapping.storm && (<><dt>Storm</dt><dd>{mapping.storm.threshold ? `${mapping.storm.threshold} alerts` : ''}{mapping.storm.min_firings ? ` ${mapping.storm.min_firings} firings` : ''} in {mapping.storm.window}</dd></>)}
      </dl>
      {canEdit && <button type="button" disabled={send.isPending} onClick={() => send.mutate()}>Send test alert</button>}
      <Problem error={send.error} />
      {testAlert && <TestAlert id={testAlert} />}
    </li>
  );
}

/** The test alert and its tickets, until they are on every platform. */
function TestAlert({ id }: { id: string }) {
  const alert = useQuery({ queryKey: ['alerts', 'one', id], queryFn: () => ok(api.GET('/api/v1/alerts/{id}', { params: { path: { id } } })), refetchInterval: 2_000 });
  return (
    <section aria-label="Test alert" className="test-alert">
      <Problem error={alert.error} />
      {alert.data && <AlertTable alerts={[alert.data]} caption="Test alert" />}
    </section>
  );
}

function NewMappingForm() {
  const queries = useQueryClient();
  const schema = useMappingSchema();
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const create = useMutation({
    mutationFn: (body: NewMapping) => ok(api.POST('/api/v1/alert-mappings', { body })),
    onSuccess: async () => {
      setFormData({});
      await queries.invalidateQueries({ queryKey: ['alert-mappings'] });
    },
  });
  return (
    <section aria-labelledby="new-mapping" className="setup">
      <h2 id="new-mapping">New alert mapping</h2>
      <Problem error={schema.error} />
      {schema.data && (
        <SchemaForm
          schema={schema.data}
          uiSchema={{ 'ui:order': [...ORDER, '*'] }}
          idPrefix="mapping"
          submitText="Create mapping"
          busy={create.isPending}
          formData={formData}
          onChange={(data) => setFormData(data as Record<string, unknown>)}
          onSubmit={(data) => create.mutate(data as NewMapping)}
        />
      )}
      <Problem error={create.error} />
    </section>
  );
}
