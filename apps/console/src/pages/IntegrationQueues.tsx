import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, ok } from '../api/client';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';
import { When } from '../components/When';

const LIVE_MS = 3_000;
const LINK_STATES = ['pending', 'synced', 'error', 'conflict', 'dead_letter'] as const;
type LinkState = (typeof LINK_STATES)[number];
type Queue = 'dead-letter-queue' | 'inbox';

const recordLink = (kind: string, id: string) => (kind === 'incident' ? <Link to={`/incidents/${id}`}>{id.slice(0, 8)}</Link> : <span>{kind} {id.slice(0, 8)}</span>);

/** The integration's linked records, filtered by state. */
export function IntegrationLinks({ integrationId }: { integrationId: string }) {
  const [state, setState] = useState<LinkState | ''>('');
  const links = useQuery({
    queryKey: ['links', integrationId, state],
    queryFn: () => ok(api.GET('/api/v1/integrations/{id}/links', { params: { path: { id: integrationId }, query: { status: state || undefined, limit: 100 } } })),
    refetchInterval: LIVE_MS,
  });
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">Linked records</h2>
      <label htmlFor="link-state">State</label>
      <select id="link-state" value={state} onChange={(e) => setState(e.target.value as LinkState | '')}>
        <option value="">any</option>
        {LINK_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
      </select>
      <Problem error={links.error} />
      {links.data && (
        <table>
          <caption>{links.data.total} linked records</caption>
          <thead><tr><th scope="col">Record</th><th scope="col">On the platform</th><th scope="col">State</th><th scope="col">Last synced</th><th scope="col">Last error</th></tr></thead>
          <tbody>
            {links.data.items.map((l) => (
              <tr key={l.id}>
                <td>{recordLink(l.record_kind, l.record_id)}</td>
                <td>{l.external_url ? <a href={l.external_url} rel="noreferrer noopener" target="_blank">{l.external_number ?? l.external_id}</a> : (l.external_number ?? l.external_id ?? '')}</td>
                <td><span className={`state state-${l.sync_status}`}>{l.sync_status}</span></td>
                <td><When at={l.last_synced_at} /></td>
                <td className="error-text">{l.last_error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Dead letters and failed inbound events, each with retry and discard. */
export function IntegrationQueues({ integrationId }: { integrationId: string }) {
  const deadLetters = useQuery({
    queryKey: ['dead-letter-queue', integrationId],
    queryFn: () => ok(api.GET('/api/v1/integrations/{id}/dead-letter-queue', { params: { path: { id: integrationId }, query: { limit: 100 } } })),
    refetchInterval: LIVE_MS,
  });
  const inbox = useQuery({
    queryKey: ['inbox', integrationId],
    queryFn: () => ok(api.GET('/api/v1/integrations/{id}/inbox', { params: { path: { id: integrationId }, query: { state: 'failed', limit: 100 } } })),
    refetchInterval: LIVE_MS,
  });
  return (
    <>
      <section aria-labelledby="dlq-heading">
        <h2 id="dlq-heading">Dead letters</h2>
        <Problem error={deadLetters.error} />
        {deadLetters.data && deadLetters.data.total === 0 && <p>None: every change went out.</p>}
        {deadLetters.data && deadLetters.data.total > 0 && (
          <table>
            <caption>{deadLetters.data.total} changes that could not be delivered</caption>
            <thead><tr><th scope="col">Record</th><th scope="col">Job</th><th scope="col">Error</th><th scope="col">Attempts</th><th scope="col">Since</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {deadLetters.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{recordLink(e.record_kind, e.record_id)}</td>
                  <td>{e.job}</td>
                  <td className="error-text">{e.error_status ? `${e.error_status}: ` : ''}{e.error_message}</td>
                  <td>{e.attempts}</td>
                  <td><When at={e.created_at} /></td>
                  <td><EntryActions integrationId={integrationId} queue="dead-letter-queue" entry={e.id} what={`dead letter of ${e.record_id.slice(0, 8)}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="inbox-heading">
        <h2 id="inbox-heading">Inbound errors</h2>
        <Problem error={inbox.error} />
        {inbox.data && inbox.data.total === 0 && <p>None: every platform change was applied.</p>}
        {inbox.data && inbox.data.total > 0 && (
          <table>
            <caption>{inbox.data.total} platform changes the hub could not apply</caption>
            <thead><tr><th scope="col">Platform record</th><th scope="col">From</th><th scope="col">Error</th><th scope="col">Attempts</th><th scope="col">Failed</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {inbox.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{e.record_kind} {e.external_id}</td>
                  <td>{e.source}</td>
                  <td className="error-text">{e.error_kind ?? ''}{e.last_error ? `: ${e.last_error}` : ''}</td>
                  <td>{e.attempts}</td>
                  <td><When at={e.failed_at} /></td>
                  <td><EntryActions integrationId={integrationId} queue="inbox" entry={e.id} what={`inbound event ${e.external_id}`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function EntryActions({ integrationId, queue, entry, what }: { integrationId: string; queue: Queue; entry: string; what: string }) {
  const { canEdit } = useSession();
  const queries = useQueryClient();
  const path = { id: integrationId, entry };
  const act = useMutation({
    mutationFn: (action: 'retry' | 'discard') => {
      if (queue === 'inbox') return action === 'retry' ? ok(api.POST('/api/v1/integrations/{id}/inbox/{entry}/retry', { params: { path } })) : ok(api.DELETE('/api/v1/integrations/{id}/inbox/{entry}', { params: { path } }));
      return action === 'retry' ? ok(api.POST('/api/v1/integrations/{id}/dead-letter-queue/{entry}/retry', { params: { path } })) : ok(api.DELETE('/api/v1/integrations/{id}/dead-letter-queue/{entry}', { params: { path } }));
    },
    onSuccess: () => queries.invalidateQueries({ queryKey: [queue, integrationId] }),
  });
  if (!canEdit) return null;
  return (
    <div className="actions" role="group" aria-label={`Act on ${what}`}>
      <button type="button" disabled={act.isPending} onClick={() => act.mutate('retry')}>Retry</button>
      <button type="button" className="secondary" disabled={act.isPending} onClick={() => act.mutate('discard')}>Discard</button>
      <Problem error={act.error} />
    </div>
  );
}
