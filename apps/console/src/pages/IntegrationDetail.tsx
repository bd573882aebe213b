import { useMutation, useQuery } from '@tanstack/react-query';
import Markdown from 'react-markdown';
import { Link, useParams } from 'react-router';
import { api, ok } from '../api/client';
import { Problem } from '../components/Problem';
import { ActivityChart } from './ActivityChart';
import { EditIntegration } from './EditIntegration';
import { IntegrationLinks, IntegrationQueues } from './IntegrationQueues';
import { MappingsEditor, OwnershipEditor } from './MappingsEditor';

export function IntegrationDetail() {
  const { id = '' } = useParams();
  const integration = useQuery({ queryKey: ['integration', id], queryFn: () => ok(api.GET('/api/v1/integrations/{id}', { params: { path: { id } } })) });
  const adapters = useQuery({ queryKey: ['adapters'], queryFn: () => ok(api.GET('/api/v1/adapters')) });
  const test = useMutation({ mutationFn: () => ok(api.POST('/api/v1/integrations/{id}/test', { params: { path: { id } } })) });
  const i = integration.data;
  const steps = adapters.data?.adapters.find((a) => a.type === i?.type)?.setup_steps;
  return (
    <main>
      <Problem error={integration.error} />
      {i && (
        <>
          <div className="heading">
            <h1>{i.name}</h1>
            <div className="actions">
              <Link className="button secondary" to={`/integrations/${i.id}/reconciliation`}>Reconciliation</Link>
              <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
                {test.isPending ? 'Testing…' : 'Test connection'}
              </button>
            </div>
          </div>
          <p className="meta">{i.type} · {i.direction} · {i.enabled ? 'enabled' : 'disabled'} · {i.base_url}</p>
          <Problem error={test.error} />
          {test.data && (
            <section aria-labelledby="checks">
              <h2 id="checks">Connection test: {test.data.success ? 'passed' : 'failed'}</h2>
              <ul className="checks">
                {test.data.checks.map((c) => (
                  <li key={c.name} className={c.passed ? 'passed' : 'failed'}>
                    <strong>{c.passed ? '✓' : '✗'} {c.name}</strong>: {c.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="webhook">
            <h2 id="webhook">Webhook</h2>
            <label htmlFor="webhook-url">Webhook URL for the platform to call</label>
            <div className="copy">
              <input id="webhook-url" readOnly value={i.webhook_url} />
              <button type="button" onClick={() => navigator.clipboard?.writeText(i.webhook_url)}>Copy</button>
            </div>
          </section>
          <EditIntegration integration={i} />
          <ActivityChart integrationId={i.id} />
          <IntegrationQueues integrationId={i.id} />
          <IntegrationLinks integrationId={i.id} />
          <MappingsEditor integrationId={i.id} />
          <OwnershipEditor integrationId={i.id} />
          {steps && (
            <section aria-labelledby="setup" className="setup">
              <h2 id="setup">Setting the platform up</h2>
              {/* No raw HTML from a manifest ever reaches the page: react-markdown drops it. */}
              <Markdown skipHtml>{steps}</Markdown>
            </section>
          )}
        </>
      )}
    </main>
  );
}
